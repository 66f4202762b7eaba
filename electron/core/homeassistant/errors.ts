import { AppError, type ErrorCode } from '../../../shared/errors'

/** What went wrong talking to Home Assistant, finer than the AppError code (the probe reports it). */
export type HaFailure =
  | 'bad_token'
  | 'unreachable'
  | 'timeout'
  | 'self_signed'
  | 'tls_error'
  | 'not_home_assistant'
  | 'http_error'
  | 'not_found'
  | 'bad_request'
  | 'cancelled'

const CODES: Record<HaFailure, ErrorCode> = {
  bad_token: 'VALIDATION_FAILED',
  unreachable: 'UNREACHABLE',
  timeout: 'TIMEOUT',
  self_signed: 'UNREACHABLE',
  tls_error: 'UNREACHABLE',
  not_home_assistant: 'UPSTREAM_ERROR',
  http_error: 'UPSTREAM_ERROR',
  not_found: 'NOT_FOUND',
  bad_request: 'INVALID_INPUT',
  cancelled: 'CANCELLED',
}

/** A typed Home Assistant error; its message is a readable sentence without the token. */
export class HaError extends AppError {
  constructor(
    readonly failure: HaFailure,
    message: string,
    readonly status: number | null = null,
  ) {
    // The UI says it in its language from the failure (and the HTTP status when there was one).
    super(CODES[failure], message, status === null ? { failure } : { failure, status }, 'ha_failure')
  }
}

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'])
const TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

/** Every `code` along an error's cause chain (undici wraps the socket error). */
function codes(e: unknown): string[] {
  const out: string[] = []
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const c = cur as { code?: unknown; name?: unknown; cause?: unknown }
    if (typeof c.code === 'string') out.push(c.code)
    if (typeof c.name === 'string') out.push(c.name)
    cur = c.cause
  }
  return out
}

/** Turns a network-level failure (no HTTP answer) into a HaError that says exactly what happened. */
export function classifyNetworkError(
  e: unknown,
  where: string,
  timeoutMs: number,
  cancelled: boolean,
): HaError {
  if (e instanceof HaError) return e
  const cs = codes(e)
  const has = (...names: string[]) => names.some((n) => cs.includes(n))
  if (cancelled) return new HaError('cancelled', `The request to ${where} was cancelled.`)
  if (has('TimeoutError') || cs.some((c) => TIMEOUTS.has(c))) {
    return new HaError('timeout', `${where} did not answer within ${timeoutMs} ms.`)
  }
  if (cs.some((c) => SELF_SIGNED.has(c))) {
    return new HaError(
      'self_signed',
      `${where} uses a self-signed certificate, so Keybridge cannot verify that it is really your Home Assistant. Use a certificate from a public authority (Let's Encrypt, Home Assistant Cloud) or the plain http:// address on your local network.`,
    )
  }
  const tls = cs.find((c) => /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|EPROTO$|HOSTNAME_MISMATCH)/.test(c))
  if (tls) {
    const hint =
      tls === 'EPROTO' || tls.startsWith('ERR_SSL_')
        ? 'the server does not seem to speak HTTPS on that port (try http://)'
        : `its certificate is not valid (${tls})`
    return new HaError('tls_error', `The secure connection to ${where} failed: ${hint}.`)
  }
  if (has('ECONNREFUSED')) {
    return new HaError(
      'unreachable',
      `Nothing is listening at ${where} (connection refused). Check the host and port.`,
    )
  }
  if (has('ENOTFOUND', 'EAI_AGAIN')) {
    return new HaError('unreachable', `The host name of ${where} could not be resolved. Check the address.`)
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN')) {
    return new HaError('unreachable', `${where} cannot be reached from this computer (no route to the host).`)
  }
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE')) {
    return new HaError('unreachable', `${where} closed the connection before answering.`)
  }
  return new HaError('unreachable', `${where} could not be reached (${cs[0] ?? 'network error'}).`)
}

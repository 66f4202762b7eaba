import { Agent, request, type Dispatcher } from 'undici'
import type { ValidationReason } from '../../../shared/models/service'

/** A transport-level failure with a typed reason. Messages name hosts, never URLs' queries or headers. */
export class HttpFailure extends Error {
  constructor(
    readonly reason: ValidationReason,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message)
    this.name = 'HttpFailure'
  }
}

export interface HttpRequest {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Whole exchange deadline, headers and body included. */
  timeoutMs?: number
  maxBytes?: number
  /** Extra attempts after a 5xx or a dropped connection (bounded, short backoff). */
  retries?: number
  /** Wait for a 429's Retry-After and try once more if it is at most this long (0: report it). */
  maxRetryAfterMs?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  text: string
  url: string
  latencyMs: number
  json(): unknown
}

export interface HttpClientOptions {
  timeoutMs?: number
  maxBytes?: number
  retries?: number
  /** First backoff step; doubles per attempt. */
  backoffMs?: number
}

export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_MAX_BYTES = 1024 * 1024
const MAX_REDIRECTS = 3

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/

/** Seconds from a Retry-After header (delta seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null
  const s = Number(value)
  if (Number.isFinite(s)) return Math.max(0, Math.ceil(s))
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000))
}

function flatten(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

function errorCode(e: unknown): string {
  let cur = e as { code?: string; cause?: unknown } | undefined
  for (let i = 0; cur && i < 4; i++) {
    if (cur.code) return cur.code
    cur = cur.cause as typeof cur
  }
  return ''
}

// A ref'd timer: a retry that is still waiting is pending work, so a headless process must not exit.
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * HTTP for provider calls: a dedicated undici Agent (never the global dispatcher), a deadline per
 * exchange, a response size cap, only same-origin redirects, bounded retries on 5xx.
 */
export class ProviderHttp {
  private readonly agent: Agent
  private readonly o: Required<HttpClientOptions>

  constructor(options: HttpClientOptions = {}) {
    this.o = {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      retries: options.retries ?? 2,
      backoffMs: options.backoffMs ?? 250,
    }
    this.agent = new Agent({ connect: { timeout: this.o.timeoutMs }, keepAliveTimeout: 4_000 })
  }

  get dispatcher(): Dispatcher {
    return this.agent
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const retries = req.retries ?? this.o.retries
    let waitedForRateLimit = false
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse
      try {
        res = await this.once(req)
      } catch (e) {
        if (e instanceof HttpFailure && e.reason === 'unreachable' && attempt < retries) {
          await sleep(this.o.backoffMs * 2 ** attempt)
          continue
        }
        throw e
      }
      if (res.status >= 500 && attempt < retries) {
        await sleep(this.o.backoffMs * 2 ** attempt)
        continue
      }
      if (res.status === 429 && !waitedForRateLimit && req.maxRetryAfterMs) {
        const after = parseRetryAfter(res.headers['retry-after'])
        if (after !== null && after * 1000 <= req.maxRetryAfterMs) {
          waitedForRateLimit = true
          await sleep(after * 1000)
          continue
        }
      }
      return res
    }
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? this.o.timeoutMs
    const maxBytes = req.maxBytes ?? this.o.maxBytes
    const started = performance.now()
    const ac = new AbortController()
    const timer = setTimeout(() => ac.abort(), timeoutMs)
    let url = new URL(req.url)
    const host = url.host
    try {
      for (let hop = 0; ; hop++) {
        let r: Dispatcher.ResponseData
        try {
          r = await request(url, {
            dispatcher: this.agent,
            method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
            headers: req.headers,
            body: req.body,
            signal: ac.signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          })
        } catch (e) {
          throw this.classify(e, ac.signal.aborted, host, timeoutMs)
        }
        const headers = flatten(r.headers)
        if (r.statusCode >= 300 && r.statusCode < 400 && headers['location']) {
          await r.body.dump().catch(() => {})
          const next = new URL(headers['location'], url)
          if (next.origin !== url.origin) {
            throw new HttpFailure(
              'unexpected_response',
              `${host} redirected to another host (${next.host}); Keybridge does not follow that.`,
            )
          }
          if (hop >= MAX_REDIRECTS)
            throw new HttpFailure('unexpected_response', `${host} redirected too many times.`)
          url = next
          continue
        }
        const text = await this.readCapped(r, maxBytes, host, ac.signal, timeoutMs)
        return {
          status: r.statusCode,
          headers,
          text,
          url: url.href,
          latencyMs: Math.round(performance.now() - started),
          json() {
            try {
              return JSON.parse(text) as unknown
            } catch {
              return undefined
            }
          },
        }
      }
    } finally {
      clearTimeout(timer)
    }
  }

  private async readCapped(
    r: Dispatcher.ResponseData,
    maxBytes: number,
    host: string,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<string> {
    const declared = Number(r.headers['content-length'])
    if (Number.isFinite(declared) && declared > maxBytes) {
      r.body.destroy()
      throw tooLarge(host, maxBytes)
    }
    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of r.body) {
        size += (chunk as Buffer).length
        if (size > maxBytes) {
          r.body.destroy()
          throw tooLarge(host, maxBytes)
        }
        chunks.push(chunk as Buffer)
      }
    } catch (e) {
      if (e instanceof HttpFailure) throw e
      throw this.classify(e, signal.aborted, host, timeoutMs)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  private classify(e: unknown, aborted: boolean, host: string, timeoutMs: number): HttpFailure {
    const code = errorCode(e)
    if (aborted || TIMEOUT_CODES.has(code)) {
      return new HttpFailure(
        'timeout',
        `${host} did not answer within ${Math.round(timeoutMs / 100) / 10} s.`,
      )
    }
    if (TLS_CODE.test(code) || /ssl|tls|certificate/i.test(String((e as Error)?.message))) {
      return new HttpFailure('tls_error', `The secure connection to ${host} failed (${code || 'TLS error'}).`)
    }
    return new HttpFailure('unreachable', `Could not reach ${host}${code ? ` (${code})` : ''}.`)
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => {})
  }
}

function tooLarge(host: string, maxBytes: number): HttpFailure {
  return new HttpFailure(
    'unexpected_response',
    `${host} sent a response larger than ${Math.round(maxBytes / 1024)} KiB; Keybridge stopped reading it.`,
  )
}

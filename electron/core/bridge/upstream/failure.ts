import { ErrorCode as McpErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import { isAppError } from '../../../../shared/errors'
import type { ReasonParams, UpstreamErrorCode, UpstreamFailure } from '../../../../shared/ipc/bridge'

/** Why an upstream failed: an English sentence (CLI, logs) and the code and parameters the UI translates. */
export function failure(
  code: UpstreamErrorCode,
  message: string,
  params: ReasonParams = {},
): UpstreamFailure {
  return { code, params, message }
}

/** A typed Keybridge error (a locked vault, a tampered row, a missing credential) as an upstream failure. */
export function appFailure(
  code: UpstreamErrorCode,
  e: unknown,
  fallback: string,
  extra: ReasonParams = {},
): UpstreamFailure {
  if (!isAppError(e)) return failure(code, fallback, extra)
  const params: ReasonParams = { ...extra, errorCode: e.code, ...(e.key ? { errorKey: e.key } : {}) }
  for (const [k, v] of Object.entries(e.params ?? {}))
    if ((typeof v === 'string' || typeof v === 'number') && !(k in params)) params[k] = v
  return failure(code, e.message, params)
}

/** A failed spawn ("command not found: npx"), or undefined for anything else. */
export function spawnFailure(command: string, e: unknown): UpstreamFailure | undefined {
  const errno = (e as NodeJS.ErrnoException | undefined)?.code
  if (typeof errno !== 'string' || !/^E[A-Z]+$/.test(errno)) return undefined
  return failure(
    'spawn_failed',
    errno === 'ENOENT' ? `command not found: ${command}` : `could not start ${command} (${errno})`,
    { command, errno },
  )
}

/** The initialize handshake did not answer within the start timeout. */
export function timeoutFailure(e: unknown, timeoutMs: number): UpstreamFailure | undefined {
  if (!(e instanceof McpError) || e.code !== McpErrorCode.RequestTimeout) return undefined
  const seconds = Math.round(timeoutMs / 1000)
  return failure('timeout', `it did not answer initialize within ${seconds} s`, { seconds })
}

/** The circuit breaker opened: the same failure, saying the upstream is stopped until restarted by hand. */
export function brokenAfter(f: UpstreamFailure, failures: number, windowMs: number): UpstreamFailure {
  const windowSeconds = Math.round(windowMs / 1000)
  return failure(
    f.code,
    `${f.message}; stopped after ${failures} failures in ${windowSeconds} s (restart it by hand)`,
    { ...f.params, failures, windowSeconds },
  )
}

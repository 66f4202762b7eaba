import { z } from 'zod'

/** Every error that crosses IPC, the CLI's --json output or the bridge's admin surface has one of these codes. */
export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'INTERNAL',
  'NOT_FOUND',
  'CONFLICT',
  'VAULT_NOT_INITIALIZED',
  'VAULT_ALREADY_INITIALIZED',
  'VAULT_LOCKED',
  'VAULT_TOO_NEW',
  'BAD_PASSWORD',
  'PROTECTOR_UNAVAILABLE',
  'SECRET_TAMPERED',
  'VALIDATION_FAILED',
  'RATE_LIMITED',
  'UNREACHABLE',
  'TIMEOUT',
  'UPSTREAM_ERROR',
  'OAUTH_FAILED',
  'BACKUP_INVALID',
  'BAD_PASSPHRASE',
  'IO_ERROR',
  'CANCELLED',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const ErrorShape = z.object({ code: ErrorCode, message: z.string() })
export type ErrorShape = z.infer<typeof ErrorShape>

/**
 * The one error type core code throws on purpose. `message` is shown to users as is, so it must
 * be a readable sentence and must never contain a secret.
 */
export class AppError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'AppError'
    this.code = code
  }
  toJSON(): ErrorShape {
    return { code: this.code, message: this.message }
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}

/** Turns anything thrown into the `{ code, message }` that may cross a boundary: no stack, no internals. */
export function toErrorShape(e: unknown): ErrorShape {
  if (isAppError(e)) return e.toJSON()
  return { code: 'INTERNAL', message: 'Something went wrong inside Keybridge. Nothing was changed.' }
}

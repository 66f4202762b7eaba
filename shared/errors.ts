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
  'VAULT_DAMAGED',
  'BAD_PASSWORD',
  'PROTECTOR_UNAVAILABLE',
  'SECRET_TAMPERED',
  'ROW_TAMPERED',
  'VAULT_ROLLED_BACK',
  'WEAK_PASSWORD',
  'UNLOCK_THROTTLED',
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
  'UNSUPPORTED',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/** Machine-readable details of an error (e.g. which row failed its integrity check, or what a translated
 * message is filled with): names, counts, reason codes, never a secret. */
export const ErrorParams = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
)
export type ErrorParams = z.infer<typeof ErrorParams>

/**
 * What crosses a boundary. `message` is the English sentence (the CLI prints it, the English UI
 * shows it); `key` names a more precise message the UI translates with `params` (renderer/src/i18n,
 * `error.<key>`); without a key the UI translates by `code`.
 */
export const ErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  params: ErrorParams.optional(),
  key: z.string().optional(),
})
export type ErrorShape = z.infer<typeof ErrorShape>

/** Keys of the precise messages the UI translates (`error.<key>`); a unit test checks each has French. */
export const ERROR_KEYS = [
  'validation_failed',
  'ha_failure',
  'token_inactive',
  // A remote MCP server's check (bridge.upstream.probe): `url`, and `status` for an HTTP answer.
  'remote_unreachable',
  'remote_http_status',
  'remote_not_mcp',
  'remote_sign_in_first',
] as const
export type ErrorKey = (typeof ERROR_KEYS)[number]

/**
 * The one error type core code throws on purpose. `message` is shown to users as is, so it must
 * be a readable sentence and must never contain a secret; the same holds for `params`.
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly params?: ErrorParams
  /** A message key the UI translates (`error.<key>`, filled with params). */
  readonly key?: ErrorKey
  constructor(code: ErrorCode, message: string, params?: ErrorParams, key?: ErrorKey) {
    super(message)
    this.name = 'AppError'
    this.code = code
    if (params) this.params = params
    if (key) this.key = key
  }
  toJSON(): ErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.params ? { params: this.params } : {}),
      ...(this.key ? { key: this.key } : {}),
    }
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}

/** Turns anything thrown into the `{ code, message }` that may cross a boundary: no stack, no internals. */
export function toErrorShape(e: unknown): ErrorShape {
  if (isAppError(e)) return e.toJSON()
  const io = storageFailure(e)
  if (io) return { code: 'IO_ERROR', message: io }
  return { code: 'INTERNAL', message: 'Something went wrong inside Keybridge. Nothing was changed.' }
}

/**
 * A readable sentence for a storage failure (disk full, read-only or failing disk) thrown by SQLite
 * (better-sqlite3's SqliteError carries a `SQLITE_*` code) or the file system (errno code), or null for
 * anything else. Matched by shape, so shared/ needs no native import.
 */
export function storageFailure(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return null
  const what = code.startsWith('SQLITE_') ? 'the vault file' : 'a file'
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return `The disk is full, so ${what} could not be written and the change was not saved. Free some space and try again; nothing saved before was lost.`
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return `${what === 'a file' ? 'A file' : 'The vault file'} is on a read-only disk or folder, so the change was not saved.`
  }
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'EFBIG' ||
    code === 'EIO'
  ) {
    return `Writing ${what} failed (a disk or file-size error), so the change was not saved. Check the disk and try again.`
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'The vault file is busy (another Keybridge process is writing to it). Try again in a moment.'
  }
  return null
}

export const REDACTED = '[redacted]'

/**
 * Keys whose values are secrets whatever they hold: anything naming a password, secret, API key,
 * authorization header, cookie or private key, and the exact token field names OAuth and HTTP use.
 * (Not every key containing "token": `tokenName` or `tokens` are labels and counts.)
 */
export const SECRET_KEY =
  /password|passphrase|secret|api[-_]?key|authorization|cookie|private[-_]?key|^(token|access_?token|refresh_?token|id_?token|bearer|pass|pwd)$/i

/** A copy of a log object with the values of secret-shaped keys masked, at any depth (errors kept whole). */
export function maskSecretKeys(v: unknown, depth = 0): unknown {
  if (depth > 16 || v === null || typeof v !== 'object' || v instanceof Error) return v
  if (Array.isArray(v)) return v.map((x) => maskSecretKeys(x, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && x !== null && x !== undefined ? REDACTED : maskSecretKeys(x, depth + 1)
  }
  return out
}

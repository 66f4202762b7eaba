import { z } from 'zod'

export const CredentialStatus = z.enum(['active', 'invalid', 'expired', 'revoked', 'unvalidated'])
export type CredentialStatus = z.infer<typeof CredentialStatus>

/**
 * What a credential's badge says: its stored status, except that an `unvalidated` credential whose
 * last check failed (kept with "Save anyway", the failure recorded in `validationError`) is
 * `check_failed`, not "not checked".
 */
export const CredentialState = z.enum([...CredentialStatus.options, 'check_failed'])
export type CredentialState = z.infer<typeof CredentialState>

export function credentialState(c: {
  status: CredentialStatus
  validationError: string | null
}): CredentialState {
  return c.status === 'unvalidated' && c.validationError ? 'check_failed' : c.status
}

/** A name unique per service: letters, digits, space, dot, dash, underscore. */
export const CredentialName = z
  .string()
  .trim()
  .min(1, 'Give the account a name.')
  .max(64, 'Keep the name under 64 characters.')
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'Use letters, digits, spaces, dots, dashes or underscores.')

/** Everything about a stored credential except its secrets: safe to list and send to the renderer. */
export const CredentialSummary = z.object({
  id: z.string(),
  service: z.string(),
  name: z.string(),
  account: z.string().nullable(),
  /** Non-secret fields (site URL, email, org, ...). */
  fields: z.record(z.string(), z.string()),
  /** Which secret fields are set (names only). */
  secretFields: z.array(z.string()),
  status: CredentialStatus,
  isPrimary: z.boolean(),
  lastValidatedAt: z.number().nullable(),
  validationError: z.string().nullable(),
  lastUsedAt: z.number().nullable(),
  useCount: z.number().int(),
  expiresAt: z.number().nullable(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
})
export type CredentialSummary = z.infer<typeof CredentialSummary>

/** Counts for the dashboard; `expiringSoon` lists credentials whose expiresAt falls within 7 days. */
export const CredentialStats = z.object({
  total: z.number().int(),
  byStatus: z.record(CredentialStatus, z.number().int()),
  /** Every state counted once (unvalidated split into not checked and check_failed): adds up to total. */
  byState: z.record(CredentialState, z.number().int()),
  byService: z.array(z.object({ service: z.string(), count: z.number().int() })),
  expiringSoon: z.array(
    z.object({ id: z.string(), service: z.string(), name: z.string(), expiresAt: z.number() }),
  ),
})
export type CredentialStats = z.infer<typeof CredentialStats>

/** `service/name`, how the CLI, the bridge and upstream env templates refer to a credential. */
export function credentialRef(c: { service: string; name: string }): string {
  return `${c.service}/${c.name}`
}

import { z } from 'zod'

export const AuditActor = z.enum(['ui', 'cli', 'bridge', 'scheduler', 'system'])
export type AuditActor = z.infer<typeof AuditActor>

export const AuditOutcome = z.enum(['ok', 'denied', 'error'])
export type AuditOutcome = z.infer<typeof AuditOutcome>

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.number().int(),
  actor: AuditActor,
  /** For the bridge: the client token's name; for others the actor again. */
  actorName: z.string().nullable(),
  /** created, updated, deleted, validated, used, revealed, copied, revoked, refreshed, expired, locked, unlocked, exported, imported, key_rotated, tool_call, ... */
  action: z.string(),
  target: z.string().nullable(),
  outcome: AuditOutcome,
  durationMs: z.number().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
})
export type AuditEntry = z.infer<typeof AuditEntry>

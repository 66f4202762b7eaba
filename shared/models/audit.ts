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

/** Which audit rows to show or export. Times are epoch milliseconds; `service` matches targets `service/...`. */
export const AuditFilter = z.object({
  since: z.number().int().optional(),
  until: z.number().int().optional(),
  actor: AuditActor.optional(),
  /** The bridge client's name, for actor = bridge. */
  actorName: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(300).optional(),
  service: z.string().max(100).optional(),
  outcome: AuditOutcome.optional(),
})
export type AuditFilter = z.infer<typeof AuditFilter>

export const AuditPage = z.object({ entries: z.array(AuditEntry), total: z.number().int() })
export type AuditPage = z.infer<typeof AuditPage>

export const AuditExportFormat = z.enum(['csv', 'json'])
export type AuditExportFormat = z.infer<typeof AuditExportFormat>

/** Retention choices in days (the UI offers these; the channel accepts any day count in range). */
export const AuditRetentionDays = z.number().int().min(1).max(3650)
export const DEFAULT_AUDIT_RETENTION_DAYS = 90

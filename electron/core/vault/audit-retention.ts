import { z } from 'zod'
import { AuditRetentionDays, DEFAULT_AUDIT_RETENTION_DAYS } from '../../../shared/models/audit'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { AuditLog } from './audit'
import type { Db } from './database'
import type { Settings } from './settings'

const KEY = 'audit.retentionDays'
const DAY = 86_400_000

export interface RetentionDeps {
  settings: Settings
  audit: AuditLog
  clock: Clock
}

export function retentionDays(d: RetentionDeps): number {
  return d.settings.get(KEY, AuditRetentionDays, DEFAULT_AUDIT_RETENTION_DAYS)
}

/** Deletes audit rows older than the retention; what the scheduler (and vault start) calls. */
export function applyAuditRetention(d: RetentionDeps, actor: AuditActor = 'scheduler'): number {
  const removed = d.audit.deleteBefore(d.clock.now() - retentionDays(d) * DAY)
  if (removed > 0)
    d.audit.record({ actor, action: 'audit_pruned', detail: { removed, days: retentionDays(d) } })
  return removed
}

export function setRetentionDays(d: RetentionDeps, days: number, actor: AuditActor): number {
  d.settings.set(KEY, days)
  d.audit.record({ actor, action: 'settings_changed', detail: { auditRetentionDays: days } })
  return applyAuditRetention(d, actor)
}

/** The audit table's size cap (besides retention): beyond it, the oldest rows go first. */
export const DEFAULT_AUDIT_MAX_BYTES = 128 * 1024 * 1024
const MAX_BYTES_KEY = 'audit.maxBytes'
/** Per-row overhead in the estimate (ids, timestamps, index entries). */
const ROW_OVERHEAD = 64

export function auditMaxBytes(settings: Settings): number {
  return settings.get(
    MAX_BYTES_KEY,
    z
      .number()
      .int()
      .min(64 * 1024),
    DEFAULT_AUDIT_MAX_BYTES,
  )
}

/** The audit rows' size as SQLite stores their text, estimated in one scan. */
export function auditTableBytes(db: Db): { rows: number; bytes: number } {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS rows, COALESCE(SUM(LENGTH(CAST(detail AS BLOB)) + LENGTH(action) + LENGTH(actor)
         + COALESCE(LENGTH(target), 0) + COALESCE(LENGTH(actor_name), 0) + LENGTH(outcome)), 0) AS bytes
       FROM audit_log`,
    )
    .get() as { rows: number; bytes: number }
  return { rows: r.rows, bytes: r.bytes + r.rows * ROW_OVERHEAD }
}

/**
 * Deletes the oldest audit rows until the table is under 90 % of its cap (so the next check does not
 * prune again at once); the pruning itself is audited. Returns how many rows went.
 */
export function capAuditSize(d: RetentionDeps & { db: Db }, actor: AuditActor = 'scheduler'): number {
  const max = auditMaxBytes(d.settings)
  let { rows, bytes } = auditTableBytes(d.db)
  if (bytes <= max) return 0
  const target = Math.floor(max * 0.9)
  let removed = 0
  const drop = d.db.prepare(
    'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id LIMIT ?)',
  )
  while (bytes > target && rows > 0) {
    const n = Math.max(1, Math.ceil((rows * (bytes - target)) / bytes))
    removed += drop.run(n).changes
    ;({ rows, bytes } = auditTableBytes(d.db))
  }
  if (removed > 0)
    d.audit.record({ actor, action: 'audit_pruned', detail: { removed, reason: 'size', maxBytes: max } })
  return removed
}

/** Runs retention (and the size cap) now and then once a day on the injected clock; returns a stop function. */
export function scheduleAuditRetention(d: RetentionDeps & { db?: Db }): () => void {
  let cancel: () => void = () => {}
  const run = () => {
    applyAuditRetention(d)
    if (d.db) capAuditSize({ ...d, db: d.db })
    cancel = d.clock.setTimer(DAY, run)
  }
  run()
  return () => cancel()
}

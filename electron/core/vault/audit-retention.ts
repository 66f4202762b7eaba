import { AuditRetentionDays, DEFAULT_AUDIT_RETENTION_DAYS } from '../../../shared/models/audit'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { AuditLog } from './audit'
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

/** Runs retention now and then once a day on the injected clock; returns a stop function. */
export function scheduleAuditRetention(d: RetentionDeps): () => void {
  let cancel: () => void = () => {}
  const run = () => {
    applyAuditRetention(d)
    cancel = d.clock.setTimer(DAY, run)
  }
  run()
  return () => cancel()
}

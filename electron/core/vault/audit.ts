import type { AuditActor, AuditEntry, AuditOutcome } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { Db } from './database'

export interface AuditRecord {
  actor: AuditActor
  actorName?: string | null
  action: string
  target?: string | null
  outcome?: AuditOutcome
  durationMs?: number | null
  /** Never a secret: callers pass identifiers, counts and error codes only. */
  detail?: Record<string, unknown> | null
}

export type AuditListener = (entry: AuditEntry) => void

/** Append-only audit trail of every operation. */
export class AuditLog {
  private listeners = new Set<AuditListener>()
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  record(r: AuditRecord): AuditEntry {
    const at = this.clock.now()
    const detail = r.detail ? JSON.stringify(r.detail) : null
    const info = this.db
      .prepare(
        `INSERT INTO audit_log (at, actor, actor_name, action, target, outcome, duration_ms, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        r.actor,
        r.actorName ?? null,
        r.action,
        r.target ?? null,
        r.outcome ?? 'ok',
        r.durationMs ?? null,
        detail,
      )
    const entry: AuditEntry = {
      id: Number(info.lastInsertRowid),
      at,
      actor: r.actor,
      actorName: r.actorName ?? null,
      action: r.action,
      target: r.target ?? null,
      outcome: r.outcome ?? 'ok',
      durationMs: r.durationMs ?? null,
      detail: r.detail ?? null,
    }
    for (const l of this.listeners) l(entry)
    return entry
  }

  onRecord(listener: AuditListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

export function rowToAuditEntry(row: {
  id: number
  at: number
  actor: string
  actor_name: string | null
  action: string
  target: string | null
  outcome: string
  duration_ms: number | null
  detail: string | null
}): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor as AuditEntry['actor'],
    actorName: row.actor_name,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditEntry['outcome'],
    durationMs: row.duration_ms,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
  }
}

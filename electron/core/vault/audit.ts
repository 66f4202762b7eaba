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
  /** Never a secret: callers pass identifiers, field names, counts and error codes only. */
  detail?: Record<string, unknown> | null
}

export type AuditListener = (entry: AuditEntry) => void

export interface AuditRow {
  id: number
  at: number
  actor: string
  actor_name: string | null
  action: string
  target: string | null
  outcome: string
  duration_ms: number | null
  detail: string | null
}

/** Append-only audit trail of every operation; old rows are removed by retention only. */
export class AuditLog {
  private listeners = new Set<AuditListener>()
  private readonly insert
  private readonly purge

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor, actor_name, action, target, outcome, duration_ms, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.purge = db.prepare('DELETE FROM audit_log WHERE at < ?')
  }

  /** Synchronous, so callers can record inside the transaction of the change it describes. */
  record(r: AuditRecord): AuditEntry {
    const at = this.clock.now()
    const detail = r.detail ? JSON.stringify(r.detail) : null
    const info = this.insert.run(
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
    for (const l of this.listeners) {
      try {
        l(entry)
      } catch {
        // A listener must not undo the operation being audited.
      }
    }
    return entry
  }

  /** Deletes rows older than `cutoff` (epoch ms); returns how many. */
  deleteBefore(cutoff: number): number {
    return this.purge.run(cutoff).changes
  }

  onRecord(listener: AuditListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

export function rowToAuditEntry(row: AuditRow): AuditEntry {
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

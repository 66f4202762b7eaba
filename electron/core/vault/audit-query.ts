import type { AuditEntry, AuditExportFormat, AuditFilter, AuditPage } from '../../../shared/models/audit'
import { rowToAuditEntry, type AuditRow } from './audit'
import { countAudit } from './audit-daily'
import type { Db } from './database'

function whereClause(f: AuditFilter): { sql: string; args: unknown[] } {
  const where: string[] = []
  const args: unknown[] = []
  const add = (clause: string, v: unknown) => {
    where.push(clause)
    args.push(v)
  }
  if (f.since !== undefined) add('at >= ?', f.since)
  if (f.until !== undefined) add('at <= ?', f.until)
  if (f.actor) add('actor = ?', f.actor)
  if (f.actorName) add('actor_name = ?', f.actorName)
  if (f.action) add('action = ?', f.action)
  if (f.target) add('target = ?', f.target)
  if (f.outcome) add('outcome = ?', f.outcome)
  if (f.service) {
    // Targets are `service/name`; a range on the prefix uses the index and needs no LIKE escaping.
    where.push('target >= ? AND target < ?')
    args.push(`${f.service}/`, `${f.service}0`)
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args }
}

/** Newest first, with the total matching count for paging (whole days counted from the daily aggregate). */
export function listAudit(db: Db, filter: AuditFilter & { offset?: number; limit?: number }): AuditPage {
  const { sql, args } = whereClause(filter)
  const total = countAudit(db, filter, (range) => {
    const w = whereClause({ ...filter, ...range })
    return (db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${w.sql}`).get(...w.args) as { n: number }).n
  })
  const rows = db
    .prepare(`SELECT * FROM audit_log ${sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...args, filter.limit ?? 100, filter.offset ?? 0) as AuditRow[]
  return { entries: rows.map(rowToAuditEntry), total }
}

/** Every matching row, oldest first (the natural order of a trail on disk). */
export function allAudit(db: Db, filter: AuditFilter): AuditEntry[] {
  const { sql, args } = whereClause(filter)
  return (db.prepare(`SELECT * FROM audit_log ${sql} ORDER BY at, id`).all(...args) as AuditRow[]).map(
    rowToAuditEntry,
  )
}

const CSV_COLUMNS = [
  'id',
  'time',
  'actor',
  'actorName',
  'action',
  'target',
  'outcome',
  'durationMs',
  'detail',
]

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function auditToCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const e of entries) {
    lines.push(
      [
        e.id,
        new Date(e.at).toISOString(),
        e.actor,
        e.actorName,
        e.action,
        e.target,
        e.outcome,
        e.durationMs,
        e.detail,
      ]
        .map((v) => csvCell(typeof v === 'number' ? String(v) : v))
        .join(','),
    )
  }
  return lines.join('\r\n') + '\r\n'
}

export function exportAudit(
  db: Db,
  filter: AuditFilter,
  format: AuditExportFormat,
  now: number,
): { content: string; filename: string; count: number } {
  const entries = allAudit(db, filter)
  const stamp = new Date(now).toISOString().slice(0, 10)
  const content =
    format === 'csv'
      ? auditToCsv(entries)
      : JSON.stringify(
          entries.map((e) => ({ ...e, time: new Date(e.at).toISOString() })),
          null,
          2,
        ) + '\n'
  return { content, filename: `keybridge-audit-${stamp}.${format}`, count: entries.length }
}

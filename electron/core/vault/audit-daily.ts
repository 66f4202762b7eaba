import type { AuditFilter } from '../../../shared/models/audit'
import type { DayCount, ToolCount } from '../../../shared/ipc/usage'
import { localDay } from '../local-day'
import type { Db } from './database'

/**
 * Reads of `audit_daily`, the audit log pre-aggregated per local day, actor, actor name, action, target
 * and outcome (kept exact by triggers on audit_log, see schema.ts). Bridge tool calls are
 * `actor = 'bridge', action = 'tool_call'`, the token name in actor_name and the tool in target; calls
 * refused by a quota are `action = 'quota_refused'`.
 */

/** Local midnight starting the day `YYYY-MM-DD`. */
export function dayStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d).getTime()
}

/** The day after `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return localDay(new Date(y, m - 1, d + 1).getTime())
}

/** The `days` local days ending today, oldest first. */
export function lastDays(now: number, days: number): string[] {
  const d = new Date(now)
  const out: string[] = []
  for (let i = days - 1; i >= 0; i--)
    out.push(localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - i).getTime()))
  return out
}

/** The aggregate's WHERE for the filter's non-time fields (the same semantics as the audit list). */
function dailyWhere(f: AuditFilter): { sql: string[]; args: unknown[] } {
  const sql: string[] = []
  const args: unknown[] = []
  const add = (c: string, v: unknown) => {
    sql.push(c)
    args.push(v)
  }
  if (f.actor) add('actor = ?', f.actor)
  if (f.actorName) add('actor_name = ?', f.actorName)
  if (f.action) add('action = ?', f.action)
  if (f.target) add('target = ?', f.target)
  if (f.outcome) add('outcome = ?', f.outcome)
  if (f.service) {
    sql.push('target >= ? AND target < ?')
    args.push(`${f.service}/`, `${f.service}0`)
  }
  return { sql, args }
}

/**
 * How many audit rows match the filter, without counting a million rows: whole local days inside the
 * time range are summed from the aggregate, and only the partial days at its edges are counted from
 * the rows themselves (through the `at` index).
 */
export function countAudit(
  db: Db,
  f: AuditFilter,
  countRows: (range: { since?: number; until?: number }) => number,
): number {
  const w = dailyWhere(f)
  const sumDays = (fromDay: string | null, toDay: string | null) => {
    const sql = [...w.sql]
    const args = [...w.args]
    if (fromDay) {
      sql.push('day >= ?')
      args.push(fromDay)
    }
    if (toDay) {
      sql.push('day <= ?')
      args.push(toDay)
    }
    const row = db
      .prepare(
        `SELECT COALESCE(SUM(calls), 0) AS n FROM audit_daily ${sql.length ? 'WHERE ' + sql.join(' AND ') : ''}`,
      )
      .get(...args) as { n: number }
    return row.n
  }
  if (f.since === undefined && f.until === undefined) return sumDays(null, null)
  // The first whole day at or after `since`, the last whole day ending at or before `until` (inclusive).
  let first: string | null = null
  if (f.since !== undefined) {
    const d = localDay(f.since)
    first = dayStart(d) === f.since ? d : nextDay(d)
  }
  let last: string | null = null
  if (f.until !== undefined) {
    const d = localDay(f.until)
    const end = dayStart(nextDay(d))
    last = f.until >= end - 1 ? d : localDay(dayStart(d) - 1)
  }
  if (first !== null && last !== null && first > last) return countRows({ since: f.since, until: f.until })
  let total = sumDays(first, last)
  if (f.since !== undefined && first !== null && dayStart(first) > f.since)
    total += countRows({ since: f.since, until: dayStart(first) - 1 })
  if (f.until !== undefined && last !== null) {
    const lastEnd = dayStart(nextDay(last))
    if (lastEnd <= f.until) total += countRows({ since: lastEnd, until: f.until })
  }
  return total
}

interface DailyRow {
  day: string
  action: string
  outcome: string
  n: number
}

function toDays(days: string[], rows: DailyRow[]): DayCount[] {
  const by = new Map(days.map((d) => [d, { day: d, calls: 0, ok: 0, denied: 0, error: 0, quotaRefused: 0 }]))
  for (const r of rows) {
    const b = by.get(r.day)
    if (!b) continue
    if (r.action === 'quota_refused') b.quotaRefused += r.n
    else {
      b.calls += r.n
      if (r.outcome === 'ok' || r.outcome === 'denied' || r.outcome === 'error') b[r.outcome] += r.n
    }
  }
  return [...by.values()]
}

/** Bridge calls per day over `days` (every day present), for one token or all. */
export function callsPerDay(db: Db, days: string[], token?: string): DayCount[] {
  const rows = db
    .prepare(
      `SELECT day, action, outcome, SUM(calls) AS n FROM audit_daily
       WHERE day >= ? AND day <= ? AND actor = 'bridge' AND action IN ('tool_call', 'quota_refused')
       ${token !== undefined ? 'AND actor_name = ?' : ''}
       GROUP BY day, action, outcome`,
    )
    .all(days[0], days[days.length - 1], ...(token !== undefined ? [token] : [])) as DailyRow[]
  return toDays(days, rows)
}

/** The most called tools since `fromDay`, for one token or all. */
export function topTools(db: Db, fromDay: string, limit: number, token?: string): ToolCount[] {
  const rows = db
    .prepare(
      `SELECT target AS tool, SUM(calls) AS calls,
              SUM(CASE WHEN outcome = 'error' THEN calls ELSE 0 END) AS errors,
              SUM(CASE WHEN outcome = 'denied' THEN calls ELSE 0 END) AS denied,
              SUM(duration_ms) AS ms
       FROM audit_daily
       WHERE day >= ? AND actor = 'bridge' AND action = 'tool_call' ${token !== undefined ? 'AND actor_name = ?' : ''}
       GROUP BY target ORDER BY calls DESC, target LIMIT ?`,
    )
    .all(fromDay, ...(token !== undefined ? [token] : []), limit) as {
    tool: string
    calls: number
    errors: number
    denied: number
    ms: number
  }[]
  return rows.map((r) => ({
    tool: r.tool,
    calls: r.calls,
    errors: r.errors,
    denied: r.denied,
    avgMs: r.calls > 0 ? Math.round((r.ms / r.calls) * 100) / 100 : null,
  }))
}

/** Tokens by their number of tool calls since `fromDay`. */
export function topTokens(db: Db, fromDay: string, limit: number): { token: string; calls: number }[] {
  return db
    .prepare(
      `SELECT actor_name AS token, SUM(calls) AS calls FROM audit_daily
       WHERE day >= ? AND actor = 'bridge' AND action = 'tool_call'
       GROUP BY actor_name ORDER BY calls DESC, actor_name LIMIT ?`,
    )
    .all(fromDay, limit) as { token: string; calls: number }[]
}

/** Tool calls of a token from `fromDay` (inclusive) on: what its quotas count. */
export function callsSince(db: Db, token: string, fromDay: string): number {
  return (
    db
      .prepare(
        `SELECT COALESCE(SUM(calls), 0) AS n FROM audit_daily
         WHERE actor_name = ? AND day >= ? AND actor = 'bridge' AND action = 'tool_call'`,
      )
      .get(token, fromDay) as { n: number }
  ).n
}

/** The last 24 hours of bridge tool calls per hour, from the rows (a day is a few thousand at most). */
export function callsPerHour(
  db: Db,
  now: number,
): { start: number; ok: number; denied: number; error: number; quotaRefused: number }[] {
  const HOUR = 3_600_000
  const end = Math.ceil((now + 1) / HOUR) * HOUR
  const start = end - 24 * HOUR
  const out = Array.from({ length: 24 }, (_, i) => ({
    start: start + i * HOUR,
    ok: 0,
    denied: 0,
    error: 0,
    quotaRefused: 0,
  }))
  const rows = db
    .prepare(
      // Only the bridge writes these rows; (action, at, outcome) answers this from the index alone.
      // The bound start arrives as a REAL: cast, or h is fractional and misses its bucket.
      `SELECT CAST((at - ?) / ${HOUR} AS INTEGER) AS h, action, outcome, COUNT(*) AS n FROM audit_log
       WHERE action IN ('tool_call', 'quota_refused') AND at >= ? GROUP BY h, action, outcome`,
    )
    .all(start, start) as { h: number; action: string; outcome: string; n: number }[]
  for (const r of rows) {
    const b = out[r.h]
    if (!b) continue
    if (r.action === 'quota_refused') b.quotaRefused += r.n
    else if (r.outcome === 'ok' || r.outcome === 'denied' || r.outcome === 'error') b[r.outcome] += r.n
  }
  return out
}

export interface CallTotals {
  calls: number
  ok: number
  errors: number
  denied: number
  quotaRefused: number
}

export const NO_CALLS: CallTotals = { calls: 0, ok: 0, errors: 0, denied: 0, quotaRefused: 0 }

/**
 * Bridge tool calls and quota refusals per token in the rolling window (since, until], from the rows
 * (the daily aggregate cannot cut a day in two). Keyed by token name.
 */
export function callsBetween(db: Db, since: number, until: number, token?: string): Map<string, CallTotals> {
  const rows = db
    .prepare(
      `SELECT actor_name AS token, action, outcome, COUNT(*) AS n FROM audit_log
       WHERE action IN ('tool_call', 'quota_refused') AND at > ? AND at <= ? AND actor = 'bridge'
       ${token !== undefined ? 'AND actor_name = ?' : ''}
       GROUP BY actor_name, action, outcome`,
    )
    .all(since, until, ...(token !== undefined ? [token] : [])) as {
    token: string | null
    action: string
    outcome: string
    n: number
  }[]
  const out = new Map<string, CallTotals>()
  for (const r of rows) {
    const key = r.token ?? ''
    let t = out.get(key)
    if (!t) out.set(key, (t = { ...NO_CALLS }))
    if (r.action === 'quota_refused') t.quotaRefused += r.n
    else {
      t.calls += r.n
      if (r.outcome === 'ok') t.ok += r.n
      else if (r.outcome === 'denied') t.denied += r.n
      else if (r.outcome === 'error') t.errors += r.n
    }
  }
  return out
}

/** Top tools and tokens of the bridge's tool calls in (since, until], from the rows (the last 24 h). */
export function topBetween(
  db: Db,
  since: number,
  until: number,
  limit: number,
): { topTools: ToolCount[]; topTokens: { token: string; calls: number }[] } {
  const tools = db
    .prepare(
      `SELECT target AS tool, COUNT(*) AS calls,
              SUM(CASE WHEN outcome = 'error' THEN 1 ELSE 0 END) AS errors,
              SUM(CASE WHEN outcome = 'denied' THEN 1 ELSE 0 END) AS denied,
              AVG(duration_ms) AS ms
       FROM audit_log
       WHERE action = 'tool_call' AND actor = 'bridge' AND at > ? AND at <= ?
       GROUP BY target ORDER BY calls DESC, target LIMIT ?`,
    )
    .all(since, until, limit) as {
    tool: string
    calls: number
    errors: number
    denied: number
    ms: number | null
  }[]
  const tokens = db
    .prepare(
      `SELECT actor_name AS token, COUNT(*) AS calls FROM audit_log
       WHERE action = 'tool_call' AND actor = 'bridge' AND at > ? AND at <= ? AND actor_name IS NOT NULL
       GROUP BY actor_name ORDER BY calls DESC, actor_name LIMIT ?`,
    )
    .all(since, until, limit) as { token: string; calls: number }[]
  return {
    topTools: tools.map((r) => ({
      tool: r.tool,
      calls: r.calls,
      errors: r.errors,
      denied: r.denied,
      avgMs: r.ms === null ? null : Math.round(r.ms * 100) / 100,
    })),
    topTokens: tokens,
  }
}

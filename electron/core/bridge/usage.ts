import type { DashboardUsage, TokenUsage } from '../../../shared/ipc/usage'
import { localDay, localMonth, nextLocalMidnight, nextMonthStart } from '../local-day'
import {
  callsBetween,
  callsPerDay,
  callsPerHour,
  callsSince,
  lastDays,
  NO_CALLS,
  topTools,
  topBetween,
  topTokens,
} from '../vault/audit-daily'
import type { Db } from '../vault/database'
import type { TokenSummary } from '../../../shared/ipc/bridge'

const DAY = 86_400_000

/** One token's usage over the last `days` local days and the last 24 hours, with its quota use now. */
export function tokenUsage(
  db: Db,
  token: TokenSummary,
  now: number,
  days: number,
  top = 10,
  last24h = callsBetween(db, now - DAY, now, token.name).get(token.name),
): TokenUsage {
  const span = lastDays(now, days)
  const perDay = callsPerDay(db, span, token.name)
  const sum = (k: 'calls' | 'ok' | 'error' | 'denied' | 'quotaRefused') =>
    perDay.reduce((n, d) => n + d[k], 0)
  return {
    token: token.name,
    days: perDay,
    topTools: topTools(db, span[0], top, token.name),
    totals: {
      calls: sum('calls'),
      ok: sum('ok'),
      errors: sum('error'),
      denied: sum('denied'),
      quotaRefused: sum('quotaRefused'),
    },
    last24h: last24h ?? { ...NO_CALLS },
    quota: {
      daily: {
        limit: token.dailyQuota,
        used: callsSince(db, token.name, localDay(now)),
        resetsAt: nextLocalMidnight(now),
      },
      monthly: {
        limit: token.monthlyQuota,
        used: callsSince(db, token.name, `${localMonth(now)}-01`),
        resetsAt: nextMonthStart(now),
      },
    },
  }
}

/** Every token's usage; the last 24 hours of all of them come from one read of the rows. */
export function tokensUsage(
  db: Db,
  tokens: TokenSummary[],
  now: number,
  days: number,
  top: number,
): TokenUsage[] {
  const last24h = callsBetween(db, now - DAY, now)
  return tokens.map((t) => tokenUsage(db, t, now, days, top, last24h.get(t.name)))
}

/** The dashboard's bridge charts: per day over `days`, per hour over the last 24 h, top tools and tokens. */
export function dashboardUsage(db: Db, now: number, days: number): DashboardUsage {
  const span = lastDays(now, days)
  return {
    days: callsPerDay(db, span),
    hours: callsPerHour(db, now),
    topTools: topTools(db, span[0], 10),
    topTokens: topTokens(db, span[0], 10),
    last24h: topBetween(db, now - DAY, now, 10),
  }
}

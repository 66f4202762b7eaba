import type { DashboardUsage, TokenUsage } from '../../../shared/ipc/usage'
import { localDay, localMonth, nextLocalMidnight, nextMonthStart } from '../local-day'
import { callsPerDay, callsPerHour, callsSince, lastDays, topTools, topTokens } from '../vault/audit-daily'
import type { Db } from '../vault/database'
import type { TokenSummary } from '../../../shared/ipc/bridge'

/** One token's usage over the last `days` local days, with its quota use now. */
export function tokenUsage(db: Db, token: TokenSummary, now: number, days: number): TokenUsage {
  const span = lastDays(now, days)
  const perDay = callsPerDay(db, span, token.name)
  const sum = (k: 'calls' | 'ok' | 'error' | 'denied' | 'quotaRefused') =>
    perDay.reduce((n, d) => n + d[k], 0)
  return {
    token: token.name,
    days: perDay,
    topTools: topTools(db, span[0], 10, token.name),
    totals: {
      calls: sum('calls'),
      ok: sum('ok'),
      errors: sum('error'),
      denied: sum('denied'),
      quotaRefused: sum('quotaRefused'),
    },
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

/** The dashboard's bridge charts: per day over `days`, per hour over the last 24 h, top tools and tokens. */
export function dashboardUsage(db: Db, now: number, days: number): DashboardUsage {
  const span = lastDays(now, days)
  return {
    days: callsPerDay(db, span),
    hours: callsPerHour(db, now),
    topTools: topTools(db, span[0], 10),
    topTokens: topTokens(db, span[0], 10),
  }
}

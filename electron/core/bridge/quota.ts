import { localDay, localMonth, nextLocalMidnight, nextMonthStart } from '../local-day'
import type { Clock } from '../clock'
import { callsSince } from '../vault/audit-daily'
import type { Db } from '../vault/database'
import type { TokenIdentity } from './tokens'

export interface QuotaRefusal {
  quota: 'daily' | 'monthly'
  limit: number
  used: number
  /** Epoch ms: local midnight, or local midnight on the first of next month. */
  resetsAt: number
}

interface Count {
  period: string
  used: number
}

/**
 * Daily and monthly tool-call quotas per client token. What a token used is its tool-call audit rows
 * (the daily aggregate), so it survives restarts and stays exact; calls admitted since are counted here
 * until their batch of audit rows is committed, then the two agree. Periods are the local day (reset
 * at local midnight) and the local calendar month (reset on the first at local midnight).
 */
export class QuotaCounter {
  private days = new Map<string, Count>()
  private months = new Map<string, Count>()

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Admits `calls` tool calls for the token, or says which quota refuses them (nothing is counted then). */
  admit(identity: TokenIdentity, calls = 1): QuotaRefusal | null {
    const { dailyQuota, monthlyQuota } = identity
    if (calls <= 0 || (dailyQuota === null && monthlyQuota === null)) return null
    const now = this.clock.now()
    const day =
      dailyQuota !== null ? this.count(this.days, identity.name, localDay(now), localDay(now)) : null
    const month =
      monthlyQuota !== null
        ? this.count(this.months, identity.name, localMonth(now), `${localMonth(now)}-01`)
        : null
    if (day && dailyQuota !== null && day.used + calls > dailyQuota)
      return { quota: 'daily', limit: dailyQuota, used: day.used, resetsAt: nextLocalMidnight(now) }
    if (month && monthlyQuota !== null && month.used + calls > monthlyQuota)
      return { quota: 'monthly', limit: monthlyQuota, used: month.used, resetsAt: nextMonthStart(now) }
    if (day) day.used += calls
    if (month) month.used += calls
    return null
  }

  /** Forgets the counts (quotas edited, tokens revoked): the next call re-reads them. */
  reset(): void {
    this.days.clear()
    this.months.clear()
  }

  private count(map: Map<string, Count>, token: string, period: string, fromDay: string): Count {
    let c = map.get(token)
    if (!c || c.period !== period) {
      c = { period, used: callsSince(this.db, token, fromDay) }
      map.set(token, c)
    }
    return c
  }
}

/** The refusal as one readable sentence: which quota, how much, when it resets. */
export function quotaMessage(token: string, r: QuotaRefusal): string {
  const when = new Date(r.resetsAt)
  const local = `${localDay(r.resetsAt)} ${String(when.getHours()).padStart(2, '0')}:${String(when.getMinutes()).padStart(2, '0')}`
  return `Quota reached: the client token "${token}" may make ${r.limit} tool calls per ${r.quota === 'daily' ? 'day' : 'month'} and has used ${r.used}. The ${r.quota} quota resets at ${local} local time (${when.toISOString()}).`
}

import { describe, expect, it } from 'vitest'
import { dashboardBuckets, dayBuckets, sumBuckets } from '../../../renderer/src/features/dashboard/buckets'
import type { DashboardUsage } from '../../../shared/ipc/usage'

const HOUR = 3_600_000
const day = (d: string, ok: number, denied: number, error: number, quotaRefused = 0) => ({
  day: d,
  calls: ok + denied + error,
  ok,
  denied,
  error,
  quotaRefused,
})

describe('the calls charts buckets', () => {
  const start = new Date(2026, 2, 10, 0, 0).getTime()
  const usage: DashboardUsage = {
    days: [day('2026-03-09', 1, 0, 2), day('2026-03-10', 3, 1, 0, 1)],
    hours: Array.from({ length: 24 }, (_, i) => ({
      start: start + i * HOUR,
      ok: i === 22 ? 3 : 0,
      denied: i === 22 ? 1 : 0,
      error: 0,
      quotaRefused: i === 22 ? 1 : 0,
    })),
    topTools: [],
    topTokens: [],
    last24h: { topTools: [], topTokens: [] },
  }

  it('24 h reads the hourly buckets, 7 days the daily ones; totals add up, quota refusals apart', () => {
    const hours = dashboardBuckets(usage, '24h', 'en')
    expect(hours).toHaveLength(24)
    expect(sumBuckets(hours)).toEqual({ total: 4, ok: 3, denied: 1, error: 0, quotaRefused: 1 })
    const days = dashboardBuckets(usage, '7d', 'en')
    expect(days.map((d) => d.label)).toEqual(['Mon', 'Tue'])
    expect(sumBuckets(days)).toEqual({ total: 7, ok: 4, denied: 1, error: 2, quotaRefused: 1 })
  })

  it('labels days in the UI language, by date past a week', () => {
    expect(dayBuckets(usage.days, 'fr')[1].label).toBe('mar.')
    const month = Array.from({ length: 30 }, (_, i) =>
      day(`2026-03-${String(i + 1).padStart(2, '0')}`, 0, 0, 0),
    )
    expect(dayBuckets(month, 'fr')[0].label).toBe('1 mars')
    expect(dayBuckets(month, 'en')[29].long).toBe('Mon, Mar 30')
  })
})

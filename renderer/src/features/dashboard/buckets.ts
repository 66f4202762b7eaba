import type { DashboardUsage, DayCount } from '../../../../shared/ipc/usage'

/** One bar of a calls chart: its axis label, its label in the table, and the calls by outcome. */
export interface Bucket {
  label: string
  long: string
  ok: number
  denied: number
  error: number
  /** Calls a quota refused: shown apart, they are not calls the bridge ran. */
  quotaRefused: number
}

export type ChartSpan = '24h' | '7d'

/** Local midnight of `YYYY-MM-DD` (the core's days are local calendar days). */
export function dayStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d).getTime()
}

/** Daily buckets, labelled by weekday (a week) or by date (a month). */
export function dayBuckets(days: DayCount[], lang: string): Bucket[] {
  const short = new Intl.DateTimeFormat(
    lang,
    days.length > 7 ? { day: 'numeric', month: 'short' } : { weekday: 'short' },
  )
  const long = new Intl.DateTimeFormat(lang, { weekday: 'short', day: 'numeric', month: 'short' })
  return days.map((d) => ({
    label: short.format(dayStart(d.day)),
    long: long.format(dayStart(d.day)),
    ok: d.ok,
    denied: d.denied,
    error: d.error,
    quotaRefused: d.quotaRefused,
  }))
}

/** The dashboard chart's bars: the last 24 hours by hour, or the last 7 days by day. */
export function dashboardBuckets(usage: DashboardUsage, span: ChartSpan, lang: string): Bucket[] {
  if (span === '7d') return dayBuckets(usage.days, lang)
  const short = new Intl.DateTimeFormat(lang, { hour: '2-digit' })
  const long = new Intl.DateTimeFormat(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
  return usage.hours.map((h) => ({
    label: short.format(h.start),
    long: long.format(h.start),
    ok: h.ok,
    denied: h.denied,
    error: h.error,
    quotaRefused: h.quotaRefused,
  }))
}

/** What the bars add up to: total = ok + denied + error; quota refusals counted apart. */
export function sumBuckets(buckets: Bucket[]): {
  total: number
  ok: number
  denied: number
  error: number
  quotaRefused: number
} {
  const s = { total: 0, ok: 0, denied: 0, error: 0, quotaRefused: 0 }
  for (const b of buckets) {
    s.ok += b.ok
    s.denied += b.denied
    s.error += b.error
    s.quotaRefused += b.quotaRefused
  }
  s.total = s.ok + s.denied + s.error
  return s
}

/** Local calendar arithmetic: log files, the daily audit aggregate and quotas all use the local day. */

const p2 = (n: number) => String(n).padStart(2, '0')

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localDay(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`
}

/** The local month of an instant, `YYYY-MM`. */
export function localMonth(ms: number): string {
  return localDay(ms).slice(0, 7)
}

/** The next local midnight after `ms`. */
export function nextLocalMidnight(ms: number): number {
  const d = new Date(ms)
  d.setHours(24, 0, 0, 0)
  return d.getTime()
}

/** Local midnight on the first of the month after `ms`. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms)
  return new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime()
}

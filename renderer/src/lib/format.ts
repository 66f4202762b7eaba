import type { Language } from '../i18n'

// Intl formatters are costly to build and a 10,000-row list formats on every scroll frame: keep one per language.
const relative = new Map<Language, Intl.RelativeTimeFormat>()
const dates = new Map<Language, Intl.DateTimeFormat>()
const numbers = new Map<Language, Intl.NumberFormat>()

function cached<F>(map: Map<Language, F>, lang: Language, make: () => F): F {
  let f = map.get(lang)
  if (!f) map.set(lang, (f = make()))
  return f
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
]

/** "3 minutes ago" / "in 2 days", in the UI language; null → the given fallback. */
export function relativeTime(at: number | null, lang: Language, now: number, never = '—'): string {
  if (at === null) return never
  const rtf = cached(relative, lang, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }))
  const diff = at - now
  const abs = Math.abs(diff)
  for (const [unit, ms] of UNITS) if (abs >= ms) return rtf.format(Math.round(diff / ms), unit)
  // Under a minute either way reads as "now": the clock used for rendering ticks slower than events.
  return rtf.format(0, 'second')
}

export function dateTime(at: number, lang: Language): string {
  return cached(
    dates,
    lang,
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' }),
  ).format(at)
}

export function formatNumber(n: number, lang: Language): string {
  return cached(numbers, lang, () => new Intl.NumberFormat(lang)).format(n)
}

import { create } from 'zustand'
import { call } from '../../api'
import type { ChannelOutput } from '../../../../shared/ipc'
import { credentialState } from '../../../../shared/models/credential'
import type { AuditEntry } from '../activity/store'

export type ChartSpan = '24h' | '7d'
export const SPAN_MS: Record<ChartSpan, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000 }

interface DashboardState {
  stats: ChannelOutput<'credentials.stats'> | null
  bridge: ChannelOutput<'bridge.status'> | null
  tokens: ChannelOutput<'bridge.tokens.list'> | null
  /** Apps seen on the bridge in the last few minutes. */
  sessions: ChannelOutput<'bridge.sessions'> | null
  span: ChartSpan
  /** Bridge tool calls inside the chart's span (newest first, at most CALLS_CAP). */
  calls: AuditEntry[]
  recent: AuditEntry[]
  /** Credentials needing a look: invalid, expired, revoked, or kept although their check failed. */
  attention: ChannelOutput<'credentials.list'>
  setSpan(span: ChartSpan): void
  load(): Promise<void>
}

const CALLS_CAP = 5000

/** Each part loads on its own: a feature that fails does not blank the whole dashboard. */
export const useDashboard = create<DashboardState>((set, get) => ({
  stats: null,
  bridge: null,
  tokens: null,
  sessions: null,
  span: '24h',
  calls: [],
  recent: [],
  attention: [],
  setSpan(span) {
    set({ span })
    void loadCalls(span).then((calls) => set({ calls }))
  },
  async load() {
    const settle = async <T>(p: Promise<T>, apply: (v: T) => void) => {
      try {
        apply(await p)
      } catch {
        // Shown as "unavailable" on its card; the other cards still load.
      }
    }
    await Promise.all([
      settle(call('credentials.stats'), (stats) => set({ stats })),
      settle(call('bridge.status'), (bridge) => set({ bridge })),
      settle(call('bridge.tokens.list'), (tokens) => set({ tokens })),
      settle(call('bridge.sessions'), (sessions) => set({ sessions })),
      settle(call('audit.list', { offset: 0, limit: 8 }), (p) => set({ recent: p.entries })),
      settle(
        Promise.all(
          (['invalid', 'expired', 'revoked', 'unvalidated'] as const).map((status) =>
            call('credentials.list', { status }),
          ),
        ),
        (lists) => set({ attention: lists.flat().filter((c) => credentialState(c) !== 'unvalidated') }),
      ),
      settle(loadCalls(get().span), (calls) => set({ calls })),
    ])
  },
}))

async function loadCalls(span: ChartSpan): Promise<AuditEntry[]> {
  const since = Date.now() - SPAN_MS[span]
  const out: AuditEntry[] = []
  while (out.length < CALLS_CAP) {
    const page = await call('audit.list', { actor: 'bridge', since, offset: out.length, limit: 1000 })
    out.push(...page.entries)
    if (page.entries.length < 1000 || out.length >= page.total) break
  }
  return out
}

export interface Bucket {
  label: string
  ok: number
  denied: number
  error: number
}

/** Hourly buckets over 24 h, daily buckets over 7 days; computed from the calls, never stored. */
export function bucketCalls(calls: AuditEntry[], span: ChartSpan, lang: string, now = Date.now()): Bucket[] {
  const hourly = span === '24h'
  const size = hourly ? 3_600_000 : 86_400_000
  const count = hourly ? 24 : 7
  const end = hourly ? Math.ceil(now / size) * size : endOfDay(now)
  const fmt = new Intl.DateTimeFormat(lang, hourly ? { hour: '2-digit' } : { weekday: 'short' })
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    label: fmt.format(end - (count - i) * size),
    ok: 0,
    denied: 0,
    error: 0,
  }))
  for (const c of calls) {
    const i = count - 1 - Math.floor((end - 1 - c.at) / size)
    if (i >= 0 && i < count) buckets[i][c.outcome]++
  }
  return buckets
}

function endOfDay(now: number): number {
  const d = new Date(now)
  d.setHours(24, 0, 0, 0)
  return d.getTime()
}

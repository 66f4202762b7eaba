import { create } from 'zustand'
import { call } from '../../api'
import type { ChannelOutput } from '../../../../shared/ipc'
import { credentialState } from '../../../../shared/models/credential'
import type { AuditEntry } from '../activity/store'
import type { ChartSpan } from './buckets'

export type { ChartSpan } from './buckets'

interface DashboardState {
  stats: ChannelOutput<'credentials.stats'> | null
  bridge: ChannelOutput<'bridge.status'> | null
  tokens: ChannelOutput<'bridge.tokens.list'> | null
  /** Apps seen on the bridge in the last few minutes. */
  sessions: ChannelOutput<'bridge.sessions'> | null
  span: ChartSpan
  /** The bridge charts' aggregate: 7 days by day, the last 24 h by hour, top tools and clients. */
  usage: ChannelOutput<'usage.dashboard'> | null
  /** The tools, to show top tools by their (translated) titles. */
  tools: ChannelOutput<'bridge.tools.list'> | null
  recent: AuditEntry[]
  /** Credentials needing a look: invalid, expired, revoked, or kept although their check failed. */
  attention: ChannelOutput<'credentials.list'>
  setSpan(span: ChartSpan): void
  load(): Promise<void>
}

/** Each part loads on its own: a feature that fails does not blank the whole dashboard. */
export const useDashboard = create<DashboardState>((set) => ({
  stats: null,
  bridge: null,
  tokens: null,
  sessions: null,
  span: '24h',
  usage: null,
  tools: null,
  recent: [],
  attention: [],
  setSpan(span) {
    set({ span })
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
      settle(call('usage.dashboard', { days: 7 }), (usage) => set({ usage })),
      settle(call('bridge.tools.list'), (tools) => set({ tools })),
    ])
  },
}))

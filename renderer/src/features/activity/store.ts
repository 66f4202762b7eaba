import { create } from 'zustand'
import { call } from '../../api'
import type { ChannelInput, ChannelOutput } from '../../../../shared/ipc'

export type AuditPage = ChannelOutput<'audit.list'>
export type AuditEntry = AuditPage['entries'][number]
type AuditQuery = NonNullable<ChannelInput<'audit.list'>>

export const RANGES = ['1h', '24h', '7d', '30d', 'all'] as const
export type Range = (typeof RANGES)[number]
const RANGE_MS: Record<Range, number | null> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  all: null,
}

export interface ActivityFilter {
  range: Range
  actor: AuditQuery['actor'] | null
  outcome: AuditQuery['outcome'] | null
  action: string
  service: string
  /** The bridge client's (token's) name. */
  actorName: string
}

export const PAGE_SIZE = 50

interface ActivityState {
  filter: ActivityFilter
  page: number
  data: AuditPage | null
  loading: boolean
  loadError: unknown
  setFilter(patch: Partial<ActivityFilter>): void
  setPage(page: number): void
  load(): Promise<void>
}

/** The filter as the audit channels take it (shared by list and export). */
export function toQuery(f: ActivityFilter, now = Date.now()): Omit<AuditQuery, 'offset' | 'limit'> {
  const span = RANGE_MS[f.range]
  return {
    since: span === null ? undefined : now - span,
    actor: f.actor ?? undefined,
    outcome: f.outcome ?? undefined,
    action: f.action.trim() || undefined,
    actorName: f.actorName.trim() || undefined,
    service: f.service.trim() || undefined,
  }
}

/** One page of the audit log under the current filter. */
export const useActivity = create<ActivityState>((set, get) => ({
  filter: { range: '7d', actor: null, outcome: null, action: '', service: '', actorName: '' },
  page: 0,
  data: null,
  loading: false,
  loadError: null,
  setFilter(patch) {
    set({ filter: { ...get().filter, ...patch }, page: 0 })
    void get().load()
  },
  setPage(page) {
    set({ page })
    void get().load()
  },
  async load() {
    set({ loading: true })
    try {
      const { filter, page } = get()
      const data = await call('audit.list', {
        ...toQuery(filter),
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
      })
      set({ data, loadError: null, loading: false })
    } catch (e) {
      set({ loadError: e, loading: false })
    }
  },
}))

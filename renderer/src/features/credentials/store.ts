import { create } from 'zustand'
import { call, onEvent } from '../../api'
import type { ChannelOutput } from '../../../../shared/ipc'
import { credentialState, type CredentialState } from '../../../../shared/models/credential'

export type Credential = ChannelOutput<'credentials.list'>[number]
export type Service = ChannelOutput<'services.list'>[number]
export type Validation = ChannelOutput<'credentials.test'>

export type SortKey = 'name' | 'service' | 'account' | 'status' | 'validated' | 'used'
export interface CredentialSort {
  key: SortKey
  dir: 'asc' | 'desc'
}

export interface CredentialFilter {
  search: string
  service: string | null
  status: CredentialState | null
}

interface CredentialsState {
  items: Credential[] | null
  /** The service catalog the forms are generated from. */
  catalog: Service[] | null
  loadError: unknown
  filter: CredentialFilter
  /** null: the core's order (primary first per service). */
  sort: CredentialSort | null
  /** The last copy: which credential, and when the main process clears the clipboard. Never the value. */
  copied: { label: string; clearsAt: number } | null
  load(): Promise<void>
  loadCatalog(): Promise<void>
  setPrimary(id: string): Promise<void>
  revalidate(id: string): Promise<ChannelOutput<'credentials.revalidate'>['results']>
  remove(id: string): Promise<ChannelOutput<'credentials.delete'>>
  copy(c: Credential, field: string): Promise<void>
  setFilter(patch: Partial<CredentialFilter>): void
  /** Click on a column: ascending, then descending, then back to the core's order. */
  toggleSort(key: SortKey): void
}

/** Every stored credential's metadata (never a secret) and the screen's filter. */
export const useCredentials = create<CredentialsState>((set, get) => ({
  items: null,
  catalog: null,
  loadError: null,
  filter: { search: '', service: null, status: null },
  sort: null,
  copied: null,
  async load() {
    try {
      set({ items: await call('credentials.list', {}), loadError: null })
    } catch (e) {
      set({ loadError: e })
    }
  },
  async loadCatalog() {
    if (!get().catalog) set({ catalog: await call('services.list') })
  },
  async revalidate(id) {
    const { results } = await call('credentials.revalidate', { id })
    await get().load()
    return results
  },
  async setPrimary(id) {
    await call('credentials.setPrimary', { id })
    await get().load()
  },
  async remove(id) {
    const r = await call('credentials.delete', { id })
    await get().load()
    return r
  },
  async copy(c, field) {
    const { clearsAt } = await call('credentials.copy', { id: c.id, field })
    set({ copied: { label: c.name, clearsAt } })
  },
  setFilter: (patch) => set((s) => ({ filter: { ...s.filter, ...patch } })),
  toggleSort: (key) =>
    set((s) => ({
      sort: s.sort?.key !== key ? { key, dir: 'asc' } : s.sort.dir === 'asc' ? { key, dir: 'desc' } : null,
    })),
}))

export function watchCredentials(): () => void {
  return onEvent('credentials.changed', () => void useCredentials.getState().load())
}

/** The rows the filter lets through; computed, never stored. */
export function applyFilter(items: Credential[], f: CredentialFilter): Credential[] {
  const q = f.search.trim().toLowerCase()
  return items.filter(
    (c) =>
      (!f.service || c.service === f.service) &&
      (!f.status || credentialState(c) === f.status) &&
      (!q ||
        c.name.toLowerCase().includes(q) ||
        c.service.toLowerCase().includes(q) ||
        (c.account ?? '').toLowerCase().includes(q)),
  )
}

const SOON_MS = 7 * 86_400_000

/** Invalid, expired, revoked or expiring within a week: what the dashboard asks the user to look at. */
export function needsAttention(c: Credential, now: number): boolean {
  return (
    c.status === 'invalid' ||
    c.status === 'expired' ||
    c.status === 'revoked' ||
    (c.expiresAt !== null && c.expiresAt - now < SOON_MS)
  )
}

export function expiringSoon(c: Credential, now: number): boolean {
  return c.status === 'active' && c.expiresAt !== null && c.expiresAt > now && c.expiresAt - now < SOON_MS
}

const STATE_ORDER = ['invalid', 'expired', 'revoked', 'check_failed', 'unvalidated', 'active']

/** The rows in the chosen column's order (a stable copy; the filtered list is never mutated). */
export function applySort(
  items: Credential[],
  sort: CredentialSort | null,
  serviceName: (id: string) => string,
): Credential[] {
  if (!sort) return items
  const text = (a: string | null, b: string | null) =>
    (a ?? '').localeCompare(b ?? '', undefined, { sensitivity: 'base', numeric: true })
  // Never-checked / never-used sort after every date when ascending.
  const time = (a: number | null, b: number | null) =>
    (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER)
  const cmp: Record<SortKey, (a: Credential, b: Credential) => number> = {
    name: (a, b) => text(a.name, b.name),
    service: (a, b) => text(serviceName(a.service), serviceName(b.service)),
    account: (a, b) => text(a.account, b.account),
    status: (a, b) => STATE_ORDER.indexOf(credentialState(a)) - STATE_ORDER.indexOf(credentialState(b)),
    validated: (a, b) => time(a.lastValidatedAt, b.lastValidatedAt),
    used: (a, b) => time(a.lastUsedAt, b.lastUsedAt),
  }
  const f = cmp[sort.key]
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...items].sort((a, b) => sign * f(a, b) || text(a.name, b.name))
}

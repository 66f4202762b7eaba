import { create } from 'zustand'
import { call, onEvent } from '../../api'
import type { ChannelInput, ChannelOutput } from '../../../../shared/ipc'

export type VaultStatus = ChannelOutput<'vault.status'>

interface VaultState {
  status: VaultStatus | null
  loadError: unknown
  refresh(): Promise<void>
  create(input: ChannelInput<'vault.create'>): Promise<void>
  unlock(password?: string): Promise<void>
  lock(): Promise<void>
}

/** The vault's lock state; every other screen only renders while it is unlocked. */
export const useVault = create<VaultState>((set) => ({
  status: null,
  loadError: null,
  async refresh() {
    try {
      set({ status: await call('vault.status'), loadError: null })
    } catch (e) {
      set({ loadError: e })
    }
  },
  async create(input) {
    set({ status: await call('vault.create', input) })
  },
  async unlock(password) {
    set({ status: await call('vault.unlock', password ? { password } : {}) })
  },
  async lock() {
    set({ status: await call('vault.lock') })
  },
}))

/** Keeps the store in step with lock changes made elsewhere (auto-lock, tray, CLI). */
export function watchVault(): () => void {
  return onEvent('vault.changed', (status) => useVault.setState({ status }))
}

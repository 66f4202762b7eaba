import { create } from 'zustand'
import { call, onEvent } from '../../api'
import type { ChannelInput, ChannelOutput } from '../../../../shared/ipc'

export type HaInstance = ChannelOutput<'homeassistant.list'>[number]
export type HaProbe = ChannelOutput<'homeassistant.test'>

interface HaState {
  instances: HaInstance[] | null
  loadError: unknown
  /** Instance ids with a probe in flight. */
  probing: string[]
  load(): Promise<void>
  add(input: ChannelInput<'homeassistant.add'>): Promise<ChannelOutput<'homeassistant.add'>>
  update(input: ChannelInput<'homeassistant.update'>): Promise<ChannelOutput<'homeassistant.update'>>
  remove(id: string): Promise<void>
  probe(id: string): Promise<void>
}

/** Home Assistant instances (never their tokens) and their last probe. */
export const useHomeAssistant = create<HaState>((set, get) => ({
  instances: null,
  loadError: null,
  probing: [],
  async load() {
    try {
      set({ instances: await call('homeassistant.list'), loadError: null })
    } catch (e) {
      set({ loadError: e })
    }
  },
  async add(input) {
    const r = await call('homeassistant.add', input)
    await get().load()
    return r
  },
  async update(input) {
    const r = await call('homeassistant.update', input)
    await get().load()
    return r
  },
  async remove(id) {
    await call('homeassistant.remove', { id })
    await get().load()
  },
  async probe(id) {
    set({ probing: [...get().probing, id] })
    try {
      await call('homeassistant.probe', { id })
      await get().load()
    } finally {
      set({ probing: get().probing.filter((p) => p !== id) })
    }
  },
}))

export function watchHomeAssistant(): () => void {
  return onEvent('homeassistant.changed', () => void useHomeAssistant.getState().load())
}

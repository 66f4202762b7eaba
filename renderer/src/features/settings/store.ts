import { create } from 'zustand'
import { call, onEvent } from '../../api'
import type { ChannelInput, ChannelOutput } from '../../../../shared/ipc'
import { notifyError } from '../../lib/notify'

export type DesktopSettings = ChannelOutput<'settings.get'>
export type ThemeChoice = DesktopSettings['theme']

interface SettingsState extends DesktopSettings {
  loaded: boolean
  load(): Promise<void>
  update(patch: ChannelInput<'settings.update'>): Promise<void>
  setTheme(theme: ThemeChoice): void
  setLanguage(language: DesktopSettings['language']): void
}

/** Desktop preferences, kept by the core (readable while locked); applied optimistically. */
export const useSettings = create<SettingsState>((set, get) => ({
  theme: 'system',
  language: navigator.language?.toLowerCase().startsWith('fr') ? 'fr' : 'en',
  closeToTray: false,
  openAtLogin: false,
  loaded: false,
  async load() {
    try {
      set({ ...(await call('settings.get')), loaded: true })
    } catch (e) {
      set({ loaded: true })
      notifyError(e)
    }
  },
  async update(patch) {
    const before = { ...get() }
    set(patch)
    try {
      set(await call('settings.update', patch))
    } catch (e) {
      set({
        theme: before.theme,
        language: before.language,
        closeToTray: before.closeToTray,
        openAtLogin: before.openAtLogin,
      })
      notifyError(e)
    }
  },
  setTheme: (theme) => void get().update({ theme }),
  setLanguage: (language) => void get().update({ language }),
}))

export function watchSettings(): () => void {
  return onEvent('settings.changed', (s) => useSettings.setState(s))
}

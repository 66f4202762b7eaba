import type { z } from 'zod'
import {
  DesktopSettings,
  Language,
  type DesktopSettingsPatch,
  type DesktopSettings as Prefs,
} from '../../../shared/ipc/settings'
import type { EventBus } from '../events'
import type { Settings } from '../vault/settings'

const KEY_PREFIX = 'desktop.'
const FIELDS = DesktopSettings.shape

/** French when the system locale says so, English otherwise (the two languages the UI ships). */
export function languageFromLocale(locale: string | undefined): z.infer<typeof Language> {
  return locale?.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

/**
 * Desktop preferences, one settings row per field so a damaged value falls back on its own.
 * `systemLocale` decides the language until the user picks one.
 */
export class DesktopSettingsStore {
  constructor(
    private readonly settings: Settings,
    private readonly events: EventBus,
    private readonly systemLocale?: string,
  ) {}

  defaults(): Prefs {
    return {
      theme: 'system',
      language: languageFromLocale(this.systemLocale),
      closeToTray: true,
      openAtLogin: false,
    }
  }

  get(): Prefs {
    const d = this.defaults()
    return {
      theme: this.settings.get(KEY_PREFIX + 'theme', FIELDS.theme, d.theme),
      language: this.settings.get(KEY_PREFIX + 'language', FIELDS.language, d.language),
      closeToTray: this.settings.get(KEY_PREFIX + 'closeToTray', FIELDS.closeToTray, d.closeToTray),
      openAtLogin: this.settings.get(KEY_PREFIX + 'openAtLogin', FIELDS.openAtLogin, d.openAtLogin),
    }
  }

  update(patch: DesktopSettingsPatch): Prefs {
    const before = this.get()
    let changed = false
    for (const [key, value] of Object.entries(patch) as [keyof Prefs, Prefs[keyof Prefs] | undefined][]) {
      if (value === undefined) continue
      this.settings.set(KEY_PREFIX + key, value)
      if (before[key] !== value) changed = true
    }
    const after = this.get()
    if (changed) this.events.emit('settings.changed', after)
    return after
  }
}

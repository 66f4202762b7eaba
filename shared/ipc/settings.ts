import { z } from 'zod'
import { channel, NoInput } from './define'

export const Theme = z.enum(['light', 'dark', 'system'])
export type Theme = z.infer<typeof Theme>

export const Language = z.enum(['en', 'fr'])
export type Language = z.infer<typeof Language>

/** Desktop preferences: not secret, readable while the vault is locked. */
export const DesktopSettings = z.object({
  theme: Theme,
  language: Language,
  /** Closing the window keeps Keybridge (and the bridge) running in the tray. */
  closeToTray: z.boolean(),
  /** Start Keybridge when the user logs in to the computer. */
  openAtLogin: z.boolean(),
})
export type DesktopSettings = z.infer<typeof DesktopSettings>

/** Change any subset of the preferences; unknown keys are refused rather than silently dropped. */
export const DesktopSettingsPatch = DesktopSettings.partial().strict()
export type DesktopSettingsPatch = z.infer<typeof DesktopSettingsPatch>

export const settingsChannels = {
  'settings.get': channel(NoInput, DesktopSettings),
  'settings.update': channel(DesktopSettingsPatch, DesktopSettings),
}

export const settingsEvents = {
  'settings.changed': DesktopSettings,
}

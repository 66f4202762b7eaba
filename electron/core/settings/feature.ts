import type { settingsChannels } from '../../../shared/ipc/settings'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { DesktopSettingsStore } from './desktop-settings'

/** The system locale as the desktop shell reports it, else the usual POSIX variables. */
function systemLocale(env: Record<string, string | undefined>): string | undefined {
  return env['KEYBRIDGE_LOCALE'] || env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG']
}

/** Desktop preferences (theme, language, close to tray, open at login), applied by the shell. */
export function createSettingsFeature(ctx: CoreContext): Feature<HandlerMap<typeof settingsChannels>> {
  const store = new DesktopSettingsStore(ctx.settings, ctx.events, systemLocale(ctx.env))
  return {
    handlers: {
      'settings.get': () => store.get(),
      'settings.update': (patch) => store.update(patch),
    },
  }
}

import type { settingsChannels } from '../../../shared/ipc/settings'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'

export function createSettingsFeature(_ctx: CoreContext): Feature<HandlerMap<typeof settingsChannels>> {
  return { handlers: {} }
}

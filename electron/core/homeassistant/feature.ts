import type { homeassistantChannels } from '../../../shared/ipc/homeassistant'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'

export function createHomeAssistantFeature(
  _ctx: CoreContext,
): Feature<HandlerMap<typeof homeassistantChannels>> {
  return { handlers: {} }
}

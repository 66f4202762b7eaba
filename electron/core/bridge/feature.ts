import type { bridgeChannels } from '../../../shared/ipc/bridge'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'

export function createBridgeFeature(_ctx: CoreContext): Feature<HandlerMap<typeof bridgeChannels>> {
  return { handlers: {} }
}

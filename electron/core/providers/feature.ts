import type { servicesChannels } from '../../../shared/ipc/services'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'

export function createProvidersFeature(_ctx: CoreContext): Feature<HandlerMap<typeof servicesChannels>> {
  return { handlers: {} }
}

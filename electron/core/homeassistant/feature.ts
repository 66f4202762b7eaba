import type { homeassistantChannels } from '../../../shared/ipc/homeassistant'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { HomeAssistantService } from './service'

/** Home Assistant instances: store, probe and domains over IPC. The MCP tools live in tools.ts. */
export function createHomeAssistantFeature(
  ctx: CoreContext,
  service: HomeAssistantService = new HomeAssistantService(ctx),
): Feature<HandlerMap<typeof homeassistantChannels>> {
  return {
    handlers: {
      'homeassistant.list': () => service.store.list(),
      'homeassistant.get': ({ id }) => service.store.get(id),
      'homeassistant.add': (input, call) => service.add(input, call.actor),
      'homeassistant.update': (input, call) => service.update(input, call.actor),
      'homeassistant.remove': ({ id }, call) => {
        service.remove(id, call.actor)
        return { ok: true as const }
      },
      'homeassistant.test': (input) => service.test(input),
      'homeassistant.probe': ({ id, timeoutMs }, call) => service.probe(id, call.actor, timeoutMs),
      'homeassistant.domains': async ({ id }) => ({ domains: await service.domains(id) }),
    },
  }
}

import { z } from 'zod'
import { HaError } from './errors'
import { domainOf, HaState } from './models'
import { HaRestClient } from './rest-client'
import { HaWebSocket } from './ws-client'

/** One entity as the tools show it: compact, with the area resolved from the registries. */
export interface EntitySummary {
  entity_id: string
  domain: string
  name: string
  state: string
  area: string | null
  unit?: string
  device_class?: string
}

const AreaEntry = z.looseObject({ area_id: z.string(), name: z.string() })
const DeviceEntry = z.looseObject({ id: z.string(), area_id: z.string().nullable().optional() })
const EntityEntry = z.looseObject({
  entity_id: z.string(),
  area_id: z.string().nullable().optional(),
  device_id: z.string().nullable().optional(),
})

/**
 * States plus areas. Areas live in Home Assistant's registries, which only the WebSocket API
 * exposes, so this reads get_states and the area/device/entity registries over one connection.
 * When the WebSocket API cannot be used (a proxy that drops upgrades), it falls back to REST states
 * without areas; a refused token is never retried.
 */
export async function loadEntities(conn: {
  baseUrl: string
  token: string
  timeoutMs?: number
}): Promise<{ entities: EntitySummary[]; areasKnown: boolean }> {
  let ws: HaWebSocket
  try {
    ws = await HaWebSocket.connect(conn.baseUrl, conn.token, { timeoutMs: conn.timeoutMs })
  } catch (e) {
    if (e instanceof HaError && e.failure === 'bad_token') throw e
    const rest = new HaRestClient(conn)
    try {
      return { entities: (await rest.states()).map((s) => summarise(s, null)), areasKnown: false }
    } finally {
      await rest.close()
    }
  }
  try {
    const [states, areas, devices, registry] = await Promise.all([
      ws.command('get_states').then((r) => HaState.array().parse(r)),
      ws.command('config/area_registry/list').then(
        (r) => AreaEntry.array().parse(r),
        () => null,
      ),
      ws.command('config/device_registry/list').then(
        (r) => DeviceEntry.array().parse(r),
        () => null,
      ),
      ws.command('config/entity_registry/list').then(
        (r) => EntityEntry.array().parse(r),
        () => null,
      ),
    ])
    const areasKnown = areas !== null && registry !== null
    const areaName = new Map((areas ?? []).map((a) => [a.area_id, a.name]))
    const deviceArea = new Map((devices ?? []).map((d) => [d.id, d.area_id ?? null]))
    const entityArea = new Map(
      (registry ?? []).map((e) => [
        e.entity_id,
        e.area_id ?? (e.device_id ? (deviceArea.get(e.device_id) ?? null) : null),
      ]),
    )
    return {
      entities: states.map((s) => {
        const areaId = entityArea.get(s.entity_id)
        return summarise(s, areaId ? (areaName.get(areaId) ?? areaId) : null)
      }),
      areasKnown,
    }
  } catch (e) {
    if (e instanceof HaError) throw e
    throw new HaError('not_home_assistant', 'Home Assistant sent states in an unexpected shape.')
  } finally {
    await ws.close()
  }
}

function summarise(s: HaState, area: string | null): EntitySummary {
  const a = s.attributes
  const out: EntitySummary = {
    entity_id: s.entity_id,
    domain: domainOf(s.entity_id),
    name: typeof a['friendly_name'] === 'string' ? a['friendly_name'] : s.entity_id,
    state: s.state,
    area,
  }
  if (typeof a['unit_of_measurement'] === 'string') out.unit = a['unit_of_measurement']
  if (typeof a['device_class'] === 'string') out.device_class = a['device_class']
  return out
}

import { z } from 'zod'

/** The state object Home Assistant returns from /api/states and get_states (extra keys kept). */
export const HaState = z.looseObject({
  entity_id: z.string(),
  state: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  last_changed: z.string(),
  last_updated: z.string(),
  last_reported: z.string().optional(),
  context: z.unknown().optional(),
})
export type HaState = z.infer<typeof HaState>

export const HaConfig = z.looseObject({
  version: z.string(),
  location_name: z.string(),
  components: z.array(z.string()).optional(),
  time_zone: z.string().optional(),
  unit_system: z.record(z.string(), z.unknown()).optional(),
})
export type HaConfig = z.infer<typeof HaConfig>

export const HaServiceDescription = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  target: z.unknown().optional(),
  response: z.object({ optional: z.boolean() }).optional(),
})
export type HaServiceDescription = z.infer<typeof HaServiceDescription>

/** /api/services: `services` is an object keyed by service name; old versions sent a list of names. */
export const HaServicesResponse = z.array(
  z.object({
    domain: z.string(),
    services: z.union([z.record(z.string(), HaServiceDescription), z.array(z.string())]),
  }),
)

export interface HaDomainServices {
  domain: string
  services: Record<string, HaServiceDescription>
}

export function normaliseServices(raw: z.infer<typeof HaServicesResponse>): HaDomainServices[] {
  return raw.map((d) => ({
    domain: d.domain,
    services: Array.isArray(d.services) ? Object.fromEntries(d.services.map((s) => [s, {}])) : d.services,
  }))
}

export const HaServiceCallResponse = z.object({
  changed_states: z.array(HaState),
  service_response: z.unknown(),
})

/** History: one list per entity, the first and last entries full, the rest minimal. */
export const HaHistoryResponse = z.array(
  z.array(
    z.looseObject({
      entity_id: z.string().optional(),
      state: z.string(),
      attributes: z.record(z.string(), z.unknown()).optional(),
      last_changed: z.string(),
      last_updated: z.string().optional(),
    }),
  ),
)

/** The domain of an entity id: `light` of `light.kitchen`. */
export function domainOf(entityId: string): string {
  const dot = entityId.indexOf('.')
  return dot < 0 ? entityId : entityId.slice(0, dot)
}

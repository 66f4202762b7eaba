import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { HaInstance } from '../../../shared/ipc/homeassistant'
import { builtinSchema, parseArgs } from '../bridge/json-schema'
import { exposedName } from '../bridge/names'
import type { BridgeTool, ToolSource } from '../bridge/tool-source'
import type { CoreContext } from '../context'
import { loadEntities } from './entities'
import { domainOf } from './models'
import { HaRestClient } from './rest-client'
import { HaInstanceStore } from './store'

export const HA_TOOL_SOURCE_ID = 'homeassistant'
const MAX_ENTITIES = 1000
const ENTITY_ID = /^[a-z0-9_]+\.[a-z0-9_]+$/

function ok(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data }
}

function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] }
}

function allows(inst: HaInstance, domain: string): boolean {
  return inst.allowedDomains.length === 0 || inst.allowedDomains.includes(domain)
}

function refuseDomain(inst: HaInstance, domain: string, what: string): never {
  throw new AppError(
    'INVALID_INPUT',
    `${what} is outside the domains allowed for "${inst.name}" (${inst.allowedDomains.join(', ')}). Allow the "${domain}" domain in Keybridge to use it.`,
  )
}

function entityId(v: string): string {
  const id = v.toLowerCase()
  if (!ENTITY_ID.test(id))
    throw new AppError('INVALID_INPUT', `"${v}" is not an entity id (like light.kitchen).`)
  return id
}

const text = (d: string) => z.string().trim().describe(d)
const ListArgs = z.object({
  domain: text('Only this domain, e.g. light, switch, sensor, climate.').optional(),
  area: text('Only entities in this area (name or id, case-insensitive).').optional(),
  search: text('Text to find in the entity id or friendly name.').optional(),
  limit: z.number().int().min(1).max(MAX_ENTITIES).optional().describe('At most this many (default 200).'),
})
const StateArgs = z.object({ entity_id: text('e.g. light.kitchen').min(1) })
const HistoryArgs = z.object({
  entity_id: text('e.g. sensor.living_room_temperature').min(1),
  hours: z.number().min(0.1).max(168).optional().describe('How far back (default 24, at most 168).'),
})
const ServiceArgs = z.object({
  domain: text('Service domain, e.g. light, switch, climate.').min(1),
  service: text('Service name, e.g. turn_on, toggle, set_temperature.').min(1),
  entity_id: text('Target entity id, or several separated by commas (light.kitchen,light.hall).').optional(),
  data: z.record(z.string(), z.unknown()).optional().describe('Service data, e.g. {"brightness_pct": 50}.'),
  return_response: z
    .boolean()
    .optional()
    .describe('Ask for the service response (for services that return data).'),
})

/**
 * The bridge's Home Assistant tools: per stored instance, `ha_<slug>_list_entities`,
 * `get_state`, `get_history` (read) and `call_service` (write, reversible); identities
 * `homeassistant/<slug>/<tool>`. Allowed domains are
 * enforced here for reads and writes alike. Results never carry the token: it only goes into the
 * Authorization header of the request to that instance.
 */
export function createHomeAssistantToolSource(
  ctx: CoreContext,
  store: HaInstanceStore = new HaInstanceStore(ctx),
  opts: { timeoutMs?: number } = {},
): ToolSource {
  /** Reads the instance fresh per call so edits (domains, URL, token) apply at once. */
  const run =
    <S extends z.ZodObject>(
      id: string,
      schema: S,
      body: (
        inst: HaInstance,
        conn: { baseUrl: string; token: string; timeoutMs?: number },
        args: z.output<S>,
      ) => Promise<Record<string, unknown>>,
    ) =>
    async (args: Record<string, unknown>): Promise<CallToolResult> => {
      try {
        const raw = args ?? {}
        // A list of entity ids is accepted as well as the comma-separated text the schema describes.
        const ids = raw['entity_id']
        const parsed = parseArgs(
          schema,
          Array.isArray(ids) && ids.every((x) => typeof x === 'string')
            ? { ...raw, entity_id: ids.join(',') }
            : raw,
        )
        const inst = store.get(id)
        const conn = { baseUrl: inst.url, token: store.readToken(id), timeoutMs: opts.timeoutMs }
        return ok(await body(inst, conn, parsed))
      } catch (e) {
        return fail(e instanceof AppError ? e.message : 'The Home Assistant request failed inside Keybridge.')
      }
    }

  const withRest = async <T>(
    conn: { baseUrl: string; token: string; timeoutMs?: number },
    f: (c: HaRestClient) => Promise<T>,
  ) => {
    const client = new HaRestClient(conn)
    try {
      return await f(client)
    } finally {
      await client.close()
    }
  }

  function toolsFor(inst: HaInstance): BridgeTool[] {
    const meta = (tool: string) => ({
      id: `${HA_TOOL_SOURCE_ID}/${inst.slug}/${tool}`,
      nameParts: ['ha', inst.slug, tool],
      name: exposedName(['ha', inst.slug, tool], `${HA_TOOL_SOURCE_ID}/${inst.slug}/${tool}`),
      originalName: tool,
    })
    const scope = inst.allowedDomains.length
      ? ` Only these domains are allowed: ${inst.allowedDomains.join(', ')}.`
      : ''
    const where = `the Home Assistant instance "${inst.name}"`
    return [
      {
        ...meta('list_entities'),
        title: `List entities (${inst.name})`,
        description: `List entities of ${where} with their state and area. Filter by domain (e.g. light), area name, or text in the id or name.${scope}`,
        inputSchema: builtinSchema(ListArgs),
        annotations: { title: `List entities (${inst.name})`, readOnlyHint: true, openWorldHint: false },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, ListArgs, async (i, conn, args) => {
          const domain = args.domain?.toLowerCase() || undefined
          const area = args.area?.toLowerCase() || undefined
          const search = args.search?.toLowerCase() || undefined
          const limit = args.limit ?? 200
          if (domain && !allows(i, domain)) refuseDomain(i, domain, `The "${domain}" domain`)
          const { entities, areasKnown } = await loadEntities(conn)
          if (area && !areasKnown) {
            throw new AppError(
              'UPSTREAM_ERROR',
              `${i.name} did not share its area registry, so entities cannot be filtered by area.`,
            )
          }
          const matches = entities.filter(
            (e) =>
              allows(i, e.domain) &&
              (!domain || e.domain === domain) &&
              (!area ||
                e.area?.toLowerCase() === area ||
                e.area?.toLowerCase().replace(/\s+/g, '_') === area) &&
              (!search || e.entity_id.includes(search) || e.name.toLowerCase().includes(search)),
          )
          return {
            instance: i.name,
            total: matches.length,
            truncated: matches.length > limit,
            entities: matches.slice(0, limit),
          }
        }),
      },
      {
        ...meta('get_state'),
        title: `Get state (${inst.name})`,
        description: `The current state and attributes of one entity of ${where}.${scope}`,
        inputSchema: builtinSchema(StateArgs),
        annotations: { title: `Get state (${inst.name})`, readOnlyHint: true, openWorldHint: false },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, StateArgs, async (i, conn, args) => {
          const id = entityId(args.entity_id)
          if (!allows(i, domainOf(id))) refuseDomain(i, domainOf(id), id)
          const s = await withRest(conn, (c) => c.state(id))
          return {
            entity_id: s.entity_id,
            state: s.state,
            attributes: s.attributes,
            last_changed: s.last_changed,
            last_updated: s.last_updated,
          }
        }),
      },
      {
        ...meta('get_history'),
        title: `Get history (${inst.name})`,
        description: `How one entity of ${where} changed over the last hours (recorder history).${scope}`,
        inputSchema: builtinSchema(HistoryArgs),
        annotations: { title: `Get history (${inst.name})`, readOnlyHint: true, openWorldHint: false },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, HistoryArgs, async (i, conn, args) => {
          const id = entityId(args.entity_id)
          if (!allows(i, domainOf(id))) refuseDomain(i, domainOf(id), id)
          const h = args.hours ?? 24
          const now = ctx.clock.now()
          const lists = await withRest(conn, (c) =>
            c.history(new Date(now - h * 3_600_000), { entityIds: [id], end: new Date(now), minimal: true }),
          )
          const changes = (lists[0] ?? []).map((s) => ({ state: s.state, last_changed: s.last_changed }))
          return { entity_id: id, hours: h, changes }
        }),
      },
      {
        ...meta('call_service'),
        title: `Call service (${inst.name})`,
        description: `Call a Home Assistant service (action) on ${where}, e.g. domain "light", service "turn_on", entity_id "light.kitchen", data {"brightness_pct": 50}. Returns the states it changed.${scope}`,
        inputSchema: builtinSchema(ServiceArgs),
        annotations: {
          title: `Call service (${inst.name})`,
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
          openWorldHint: false,
        },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, ServiceArgs, async (i, conn, args) => {
          const domain = args.domain.toLowerCase()
          const service = args.service.toLowerCase()
          if (!/^[a-z0-9_]+$/.test(domain) || !/^[a-z0-9_]+$/.test(service)) {
            throw new AppError(
              'INVALID_INPUT',
              'Domain and service are lower-case names like "light" and "turn_on".',
            )
          }
          if (!allows(i, domain)) refuseDomain(i, domain, `The "${domain}" domain`)
          const data = { ...(args.data ?? {}) }
          const rawTargets = args.entity_id
            ? args.entity_id
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean)
            : data['entity_id']
          const targets = (
            Array.isArray(rawTargets) ? rawTargets : rawTargets === undefined ? [] : [rawTargets]
          ).map((t: unknown) => {
            if (typeof t !== 'string')
              throw new AppError('INVALID_INPUT', 'entity_id must be a string or a list of strings.')
            return entityId(t)
          })
          for (const t of targets) if (!allows(i, domainOf(t))) refuseDomain(i, domainOf(t), t)
          if (targets.length) data['entity_id'] = targets.length === 1 ? targets[0] : targets
          const returnResponse = args.return_response === true
          const r = await withRest(conn, (c) => c.callService(domain, service, data, { returnResponse }))
          return {
            service: `${domain}.${service}`,
            changed: r.changedStates.map((s) => ({ entity_id: s.entity_id, state: s.state })),
            ...(returnResponse ? { response: r.serviceResponse ?? null } : {}),
          }
        }),
      },
    ]
  }

  return {
    id: HA_TOOL_SOURCE_ID,
    async listTools() {
      return store.list().flatMap(toolsFor)
    },
    onChange(listener) {
      return ctx.events.subscribe((name) => {
        if (name === 'homeassistant.changed') listener()
      })
    },
  }
}

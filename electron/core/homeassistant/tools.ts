import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../shared/errors'
import type { HaInstance } from '../../../shared/ipc/homeassistant'
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

function str(args: Record<string, unknown>, key: string, required: true): string
function str(args: Record<string, unknown>, key: string, required?: false): string | undefined
function str(args: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = args[key]
  if (v === undefined || v === null || v === '') {
    if (required) throw new AppError('INVALID_INPUT', `The "${key}" argument is required.`)
    return undefined
  }
  if (typeof v !== 'string') throw new AppError('INVALID_INPUT', `The "${key}" argument must be a string.`)
  return v.trim()
}

function entityId(v: string): string {
  const id = v.toLowerCase()
  if (!ENTITY_ID.test(id))
    throw new AppError('INVALID_INPUT', `"${v}" is not an entity id (like light.kitchen).`)
  return id
}

/**
 * The bridge's Home Assistant tools: per stored instance, `homeassistant.<slug>.list_entities`,
 * `get_state`, `get_history` (read) and `call_service` (write, reversible). Allowed domains are
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
    (
      id: string,
      body: (
        inst: HaInstance,
        conn: { baseUrl: string; token: string; timeoutMs?: number },
        args: Record<string, unknown>,
      ) => Promise<Record<string, unknown>>,
    ) =>
    async (args: Record<string, unknown>): Promise<CallToolResult> => {
      try {
        const inst = store.get(id)
        const conn = { baseUrl: inst.url, token: store.readToken(id), timeoutMs: opts.timeoutMs }
        return ok(await body(inst, conn, args ?? {}))
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
    const prefix = `homeassistant.${inst.slug}`
    const scope = inst.allowedDomains.length
      ? ` Only these domains are allowed: ${inst.allowedDomains.join(', ')}.`
      : ''
    const where = `the Home Assistant instance "${inst.name}"`
    return [
      {
        name: `${prefix}.list_entities`,
        title: `List entities (${inst.name})`,
        description: `List entities of ${where} with their state and area. Filter by domain (e.g. light), area name, or text in the id or name.${scope}`,
        inputSchema: {
          type: 'object',
          properties: {
            domain: { type: 'string', description: 'Only this domain, e.g. light, switch, sensor, climate.' },
            area: {
              type: 'string',
              description: 'Only entities in this area (name or id, case-insensitive).',
            },
            search: { type: 'string', description: 'Text to find in the entity id or friendly name.' },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_ENTITIES,
              description: 'At most this many (default 200).',
            },
          },
        },
        annotations: { title: `List entities (${inst.name})`, readOnlyHint: true, openWorldHint: false },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, async (i, conn, args) => {
          const domain = str(args, 'domain')?.toLowerCase()
          const area = str(args, 'area')?.toLowerCase()
          const search = str(args, 'search')?.toLowerCase()
          const rawLimit = args['limit']
          const limit =
            typeof rawLimit === 'number' && rawLimit >= 1 ? Math.min(Math.floor(rawLimit), MAX_ENTITIES) : 200
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
        name: `${prefix}.get_state`,
        title: `Get state (${inst.name})`,
        description: `The current state and attributes of one entity of ${where}.${scope}`,
        inputSchema: {
          type: 'object',
          properties: { entity_id: { type: 'string', description: 'e.g. light.kitchen' } },
          required: ['entity_id'],
        },
        annotations: { title: `Get state (${inst.name})`, readOnlyHint: true, openWorldHint: false },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, async (i, conn, args) => {
          const id = entityId(str(args, 'entity_id', true))
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
        name: `${prefix}.get_history`,
        title: `Get history (${inst.name})`,
        description: `How one entity of ${where} changed over the last hours (recorder history).${scope}`,
        inputSchema: {
          type: 'object',
          properties: {
            entity_id: { type: 'string', description: 'e.g. sensor.living_room_temperature' },
            hours: {
              type: 'number',
              minimum: 0.1,
              maximum: 168,
              description: 'How far back (default 24, at most 168).',
            },
          },
          required: ['entity_id'],
        },
        annotations: { title: `Get history (${inst.name})`, readOnlyHint: true, openWorldHint: false },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, async (i, conn, args) => {
          const id = entityId(str(args, 'entity_id', true))
          if (!allows(i, domainOf(id))) refuseDomain(i, domainOf(id), id)
          const h = typeof args['hours'] === 'number' ? Math.min(Math.max(args['hours'], 0.1), 168) : 24
          const now = ctx.clock.now()
          const lists = await withRest(conn, (c) =>
            c.history(new Date(now - h * 3_600_000), { entityIds: [id], end: new Date(now), minimal: true }),
          )
          const changes = (lists[0] ?? []).map((s) => ({ state: s.state, last_changed: s.last_changed }))
          return { entity_id: id, hours: h, changes }
        }),
      },
      {
        name: `${prefix}.call_service`,
        title: `Call service (${inst.name})`,
        description: `Call a Home Assistant service (action) on ${where}, e.g. domain "light", service "turn_on", entity_id "light.kitchen", data {"brightness_pct": 50}. Returns the states it changed.${scope}`,
        inputSchema: {
          type: 'object',
          properties: {
            domain: { type: 'string', description: 'Service domain, e.g. light, switch, climate.' },
            service: { type: 'string', description: 'Service name, e.g. turn_on, toggle, set_temperature.' },
            entity_id: {
              anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
              description: 'Target entity id or ids.',
            },
            data: {
              type: 'object',
              description: 'Service data, e.g. {"brightness_pct": 50}.',
              additionalProperties: true,
            },
            return_response: {
              type: 'boolean',
              description: 'Ask for the service response (for services that return data).',
            },
          },
          required: ['domain', 'service'],
        },
        annotations: {
          title: `Call service (${inst.name})`,
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
          openWorldHint: false,
        },
        source: HA_TOOL_SOURCE_ID,
        call: run(inst.id, async (i, conn, args) => {
          const domain = str(args, 'domain', true).toLowerCase()
          const service = str(args, 'service', true).toLowerCase()
          if (!/^[a-z0-9_]+$/.test(domain) || !/^[a-z0-9_]+$/.test(service)) {
            throw new AppError(
              'INVALID_INPUT',
              'Domain and service are lower-case names like "light" and "turn_on".',
            )
          }
          if (!allows(i, domain)) refuseDomain(i, domain, `The "${domain}" domain`)
          const rawData = args['data'] ?? {}
          if (typeof rawData !== 'object' || Array.isArray(rawData) || rawData === null) {
            throw new AppError('INVALID_INPUT', 'The "data" argument must be an object.')
          }
          const data = { ...(rawData as Record<string, unknown>) }
          const rawTargets = args['entity_id'] ?? data['entity_id']
          const targets = (
            Array.isArray(rawTargets) ? rawTargets : rawTargets === undefined ? [] : [rawTargets]
          ).map((t) => {
            if (typeof t !== 'string')
              throw new AppError('INVALID_INPUT', 'entity_id must be a string or a list of strings.')
            return entityId(t)
          })
          for (const t of targets) if (!allows(i, domainOf(t))) refuseDomain(i, domainOf(t), t)
          if (targets.length) data['entity_id'] = targets.length === 1 ? targets[0] : targets
          const returnResponse = args['return_response'] === true
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

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { Server as McpServerLowLevel } from '@modelcontextprotocol/sdk/server/index.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { SEED_AREAS, SEED_ENTITIES, SEED_SERVICES } from './seed'

/**
 * A fake Home Assistant on 127.0.0.1 that speaks the REST and WebSocket APIs with the shapes of
 * the real server (homeassistant/components/api and websocket_api): Bearer auth with a text/plain
 * `401: Unauthorized`, {"message": ...} JSON errors, service calls that change state and report
 * the changed states, ?return_response, history, state_changed events and the registries.
 */

export interface FakeState {
  entity_id: string
  state: string
  attributes: Record<string, unknown>
  last_changed: string
  last_reported: string
  last_updated: string
  context: { id: string; parent_id: string | null; user_id: string | null }
}

export interface FakeHaOptions {
  token?: string
  version?: string
  locationName?: string
  /** Serve HTTPS with the self-signed test certificate. */
  selfSigned?: boolean
}

export interface FakeHomeAssistant {
  url: string
  token: string
  version: string
  states: Map<string, FakeState>
  /** `METHOD /path` of every HTTP request, and `WS <type>` of every WebSocket command. */
  requests: string[]
  /** Authorization headers seen (to prove the token travels only there). */
  authHeaders: string[]
  close(): Promise<void>
}

export const FAKE_TOKEN = 'fake-ha-long-lived-token.eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu'
const USER_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'

const ulid = () => randomBytes(13).toString('hex').toUpperCase().slice(0, 26)
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00')
const domainOf = (id: string) => id.split('.')[0]

/** A vol.Invalid-style rejection of service data (HA answers it with a bare 400). */
class Invalid extends Error {}

export async function startFakeHomeAssistant(opts: FakeHaOptions = {}): Promise<FakeHomeAssistant> {
  const token = opts.token ?? FAKE_TOKEN
  const version = opts.version ?? '2025.6.3'
  const locationName = opts.locationName ?? 'Maple Street'
  const requests: string[] = []
  const authHeaders: string[] = []
  const states = new Map<string, FakeState>()
  const history = new Map<string, { state: string; attributes: Record<string, unknown>; at: number }[]>()
  const started = Date.now()

  for (const e of SEED_ENTITIES) {
    const at = iso(started - 3_600_000)
    states.set(e.entity_id, {
      entity_id: e.entity_id,
      state: e.state,
      attributes: e.attributes,
      last_changed: at,
      last_reported: at,
      last_updated: at,
      context: { id: ulid(), parent_id: null, user_id: null },
    })
    history.set(e.entity_id, [{ state: e.state, attributes: e.attributes, at: started - 3_600_000 }])
  }
  // A little sensor history: the temperature rose over the last hour.
  history
    .get('sensor.living_room_temperature')!
    .unshift(
      { state: '20.8', attributes: SEED_ENTITIES[5].attributes, at: started - 3 * 3_600_000 },
      { state: '21.1', attributes: SEED_ENTITIES[5].attributes, at: started - 2 * 3_600_000 },
    )

  const subscribers = new Set<(event: Record<string, unknown>) => void>()

  function setState(
    id: string,
    state: string,
    attributes: Record<string, unknown>,
    context: FakeState['context'],
  ) {
    const old = states.get(id)!
    const sameAttrs = JSON.stringify(old.attributes) === JSON.stringify(attributes)
    if (old.state === state && sameAttrs) return null
    const now = Date.now()
    const next: FakeState = {
      entity_id: id,
      state,
      attributes,
      last_changed: old.state === state ? old.last_changed : iso(now),
      last_reported: iso(now),
      last_updated: iso(now),
      context,
    }
    states.set(id, next)
    history.get(id)!.push({ state, attributes, at: now })
    const event = {
      event_type: 'state_changed',
      data: { entity_id: id, old_state: old, new_state: next },
      origin: 'LOCAL',
      time_fired: iso(now),
      context,
    }
    for (const s of subscribers) s(event)
    return next
  }

  function targetsOf(data: Record<string, unknown>): string[] {
    const raw = data['entity_id']
    if (raw === undefined) return []
    const list = Array.isArray(raw) ? raw : String(raw).split(',')
    return list.map((x) => String(x).trim())
  }

  /** Runs a service; returns the changed states and the service response. */
  function callService(domain: string, service: string, data: Record<string, unknown>) {
    const context = { id: ulid(), parent_id: null, user_id: USER_ID }
    const changed: FakeState[] = []
    const { entity_id: _omit, ...serviceData } = data
    const ids = targetsOf(data).filter(
      (id) => states.has(id) && (domain === 'homeassistant' || domainOf(id) === domain),
    )
    const apply = (id: string, state: string, attrs: Record<string, unknown>) => {
      const s = setState(id, state, attrs, context)
      if (s) changed.push(s)
    }
    const onOff = (id: string, on: boolean) => {
      const cur = states.get(id)!
      const attrs = { ...cur.attributes }
      if (domainOf(id) === 'light') {
        if (on) {
          const pct = serviceData['brightness_pct']
          const b = serviceData['brightness']
          if (pct !== undefined && (typeof pct !== 'number' || pct < 0 || pct > 100)) throw new Invalid()
          if (b !== undefined && (typeof b !== 'number' || b < 0 || b > 255)) throw new Invalid()
          attrs['brightness'] =
            typeof b === 'number'
              ? b
              : typeof pct === 'number'
                ? Math.round((pct * 255) / 100)
                : (attrs['brightness'] ?? 255)
          attrs['color_mode'] = 'brightness'
        } else {
          attrs['brightness'] = null
          attrs['color_mode'] = null
        }
      }
      apply(id, on ? 'on' : 'off', attrs)
    }
    let response: unknown = null
    const key = `${domain}.${service}`
    switch (key) {
      case 'light.turn_on':
      case 'switch.turn_on':
      case 'homeassistant.turn_on':
        ids.forEach((id) => onOff(id, true))
        break
      case 'light.turn_off':
      case 'switch.turn_off':
      case 'homeassistant.turn_off':
        ids.forEach((id) => onOff(id, false))
        break
      case 'light.toggle':
      case 'switch.toggle':
      case 'homeassistant.toggle':
        ids.forEach((id) => onOff(id, states.get(id)!.state !== 'on'))
        break
      case 'climate.set_temperature': {
        const t = serviceData['temperature']
        if (typeof t !== 'number') throw new Invalid()
        ids.forEach((id) =>
          apply(id, states.get(id)!.state, { ...states.get(id)!.attributes, temperature: t }),
        )
        break
      }
      case 'climate.set_hvac_mode': {
        const mode = serviceData['hvac_mode']
        ids.forEach((id) => {
          const cur = states.get(id)!
          if (!(cur.attributes['hvac_modes'] as string[]).includes(String(mode))) throw new Invalid()
          apply(id, String(mode), { ...cur.attributes, hvac_action: mode === 'off' ? 'off' : 'heating' })
        })
        break
      }
      case 'lock.lock':
      case 'lock.unlock':
        ids.forEach((id) => apply(id, service === 'lock' ? 'locked' : 'unlocked', states.get(id)!.attributes))
        break
      case 'weather.get_forecasts': {
        if (!['daily', 'hourly', 'twice_daily'].includes(String(serviceData['type']))) throw new Invalid()
        response = Object.fromEntries(
          ids.map((id) => [
            id,
            {
              forecast: [0, 1, 2].map((d) => ({
                condition: ['cloudy', 'rainy', 'sunny'][d],
                datetime: iso(started + (d + 1) * 86_400_000),
                temperature: 9 + d,
                templow: 3 + d,
                precipitation: [0.4, 5.1, 0][d],
              })),
            },
          ]),
        )
        break
      }
    }
    return { changed, response, context }
  }

  const hasService = (domain: string, service: string) => Boolean(SEED_SERVICES[domain]?.[service])
  const responseOnly = (domain: string, service: string) =>
    (SEED_SERVICES[domain]?.[service]?.['response'] as { optional?: boolean } | undefined)?.optional === false

  const config = () => ({
    allowlist_external_dirs: ['/media', '/config/www'],
    allowlist_external_urls: [],
    components: [
      'api',
      'http',
      'websocket_api',
      'recorder',
      'history',
      'light',
      'switch',
      'sensor',
      'climate',
      'lock',
      'weather',
      'sun',
    ],
    config_dir: '/config',
    config_source: 'storage',
    country: 'NL',
    currency: 'EUR',
    debug: false,
    elevation: 4,
    external_url: null,
    internal_url: null,
    language: 'en',
    latitude: 52.3731,
    location_name: locationName,
    longitude: 4.8922,
    radius: 100,
    recovery_mode: false,
    safe_mode: false,
    state: 'RUNNING',
    time_zone: 'Europe/Amsterdam',
    unit_system: {
      length: 'km',
      accumulated_precipitation: 'mm',
      area: 'm²',
      mass: 'g',
      pressure: 'Pa',
      temperature: '°C',
      volume: 'L',
      wind_speed: 'm/s',
    },
    version,
    whitelist_external_dirs: ['/media', '/config/www'],
  })

  // ---------- REST ----------
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const text = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(body)
  }

  /**
   * The `mcp_server` integration: stateless Streamable HTTP at /api/mcp (POST only, JSON answers),
   * the same bearer token, Assist-style intents over the exposed entities.
   */
  async function mcp(req: IncomingMessage, res: ServerResponse, body: string) {
    if (req.method !== 'POST') return text(res, 405, '405: Method Not Allowed')
    const server = new McpServerLowLevel({ name: 'home-assistant', version }, { capabilities: { tools: {} } })
    const byName = (name: unknown) =>
      [...states.values()].find(
        (s) =>
          s.entity_id === name ||
          String(s.attributes['friendly_name'] ?? '').toLowerCase() === String(name).toLowerCase(),
      )
    const nameArg = { type: 'object' as const, properties: { name: { type: 'string' } } }
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        { name: 'HassTurnOn', description: 'Turns on a device or entity', inputSchema: nameArg },
        { name: 'HassTurnOff', description: 'Turns off a device or entity', inputSchema: nameArg },
        {
          name: 'GetLiveContext',
          description: 'The current state of exposed entities',
          inputSchema: { type: 'object' as const },
        },
      ],
    }))
    server.setRequestHandler(CallToolRequestSchema, async (r) => {
      const args = (r.params.arguments ?? {}) as Record<string, unknown>
      if (r.params.name === 'GetLiveContext') {
        const lines = [...states.values()].map(
          (s) => `${s.attributes['friendly_name'] ?? s.entity_id}: ${s.state}`,
        )
        return { content: [{ type: 'text', text: lines.join('\n') }] }
      }
      const s = byName(args['name'])
      if (!s)
        return { content: [{ type: 'text', text: `No device named ${String(args['name'])}` }], isError: true }
      s.state = r.params.name === 'HassTurnOn' ? 'on' : 'off'
      return {
        content: [{ type: 'text', text: JSON.stringify({ success: [{ id: s.entity_id, state: s.state }] }) }],
      }
    })
    const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    await server.connect(t)
    res.on('close', () => void t.close())
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return send(res, 400, { message: 'Data should be valid JSON.' })
    }
    await t.handleRequest(req, res, parsed)
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', 'http://fake')
    requests.push(`${req.method} ${u.pathname}`)
    const auth = req.headers.authorization
    if (auth) authHeaders.push(auth)
    if (!u.pathname.startsWith('/api/')) return text(res, 404, '404: Not Found')
    if (auth !== `Bearer ${token}`) return text(res, 401, '401: Unauthorized')
    const body = await new Promise<string>((resolve) => {
      let b = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => (b += c))
      req.on('end', () => resolve(b))
    })
    const p = u.pathname
    if (p === '/api/mcp') return mcp(req, res, body)
    if (req.method === 'GET') {
      if (p === '/api/') return send(res, 200, { message: 'API running.' })
      if (p === '/api/config') return send(res, 200, config())
      if (p === '/api/states') return send(res, 200, [...states.values()])
      if (p.startsWith('/api/states/')) {
        const s = states.get(decodeURIComponent(p.slice('/api/states/'.length)))
        return s ? send(res, 200, s) : send(res, 404, { message: 'Entity not found.' })
      }
      if (p === '/api/services') {
        return send(
          res,
          200,
          Object.entries(SEED_SERVICES).map(([domain, services]) => ({ domain, services })),
        )
      }
      if (p.startsWith('/api/history/period')) return history_(res, p, u.searchParams)
    }
    if (req.method === 'POST') {
      const m = p.match(/^\/api\/services\/([^/]+)\/([^/]+)$/)
      if (m) {
        const [domain, service] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])]
        let data: unknown
        try {
          data = body ? JSON.parse(body) : null
        } catch {
          return send(res, 400, { message: 'Data should be valid JSON.' })
        }
        if (!hasService(domain, service)) return text(res, 400, '400: Bad Request')
        const wantsResponse = u.searchParams.has('return_response')
        if (wantsResponse && !SEED_SERVICES[domain][service]['response']) {
          return send(res, 400, {
            message: 'Service does not support responses. Remove return_response from request.',
          })
        }
        if (!wantsResponse && responseOnly(domain, service)) {
          return send(res, 400, {
            message:
              'Service call requires responses but caller did not ask for responses. Add ?return_response to query parameters.',
          })
        }
        if (data !== null && (typeof data !== 'object' || Array.isArray(data)))
          return text(res, 400, '400: Bad Request')
        try {
          const r = callService(domain, service, (data ?? {}) as Record<string, unknown>)
          return wantsResponse
            ? send(res, 200, { changed_states: r.changed, service_response: r.response })
            : send(res, 200, r.changed)
        } catch (e) {
          if (e instanceof Invalid) return text(res, 400, '400: Bad Request')
          throw e
        }
      }
    }
    if (['/api/', '/api/config', '/api/states', '/api/services'].includes(p)) {
      return text(res, 405, '405: Method Not Allowed')
    }
    return text(res, 404, '404: Not Found')
  }

  function history_(res: ServerResponse, p: string, q: URLSearchParams) {
    const stamp = decodeURIComponent(p.slice('/api/history/period'.length).replace(/^\//, ''))
    const start = stamp ? Date.parse(stamp) : Date.now() - 86_400_000
    if (Number.isNaN(start)) return send(res, 400, { message: 'Invalid datetime' })
    const endRaw = q.get('end_time')
    const end = endRaw ? Date.parse(endRaw) : start + 86_400_000
    if (Number.isNaN(end)) return send(res, 400, { message: 'Invalid end_time' })
    const filter = q.get('filter_entity_id')
    if (!filter) return send(res, 400, { message: 'filter_entity_id is missing' })
    const minimal = q.has('minimal_response')
    const out = filter
      .split(',')
      .map((id) => id.trim().toLowerCase())
      .filter((id) => history.has(id))
      .map((id) => {
        const all = history.get(id)!
        // The state at the start of the period comes first, then every change inside it.
        const before = all.filter((h) => h.at <= start).pop()
        const inside = all.filter((h) => h.at > start && h.at <= end)
        const rows = [...(before ? [{ ...before, at: start }] : []), ...inside]
        return rows.map((h, i) =>
          minimal && i > 0 && i < rows.length - 1
            ? { state: h.state, last_changed: iso(h.at) }
            : {
                entity_id: id,
                state: h.state,
                attributes: h.attributes,
                last_changed: iso(h.at),
                last_updated: iso(h.at),
              },
        )
      })
      .filter((rows) => rows.length > 0)
    return send(res, 200, out)
  }

  // ---------- WebSocket ----------
  const wss = new WebSocketServer({ noServer: true })
  wss.on('connection', (ws: WebSocket) => {
    let authed = false
    let lastId = 0
    const subs = new Map<number, (event: Record<string, unknown>) => void>()
    const out = (m: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m))
    const result = (id: number, r: unknown) => out({ id, type: 'result', success: true, result: r })
    const error = (id: number, code: string, message: string) =>
      out({ id, type: 'result', success: false, error: { code, message } })
    ws.on('close', () => subs.forEach((s) => subscribers.delete(s)))
    out({ type: 'auth_required', ha_version: version })
    ws.on('message', (raw) => {
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(String(raw)) as Record<string, unknown>
      } catch {
        if (!authed) ws.close()
        return
      }
      if (!authed) {
        if (msg['type'] === 'auth' && msg['access_token'] === token) {
          authed = true
          out({ type: 'auth_ok', ha_version: version })
        } else {
          out({
            type: 'auth_invalid',
            message:
              msg['type'] === 'auth'
                ? 'Invalid access token or password'
                : 'Auth message incorrectly formatted',
          })
          ws.close()
        }
        return
      }
      const id = msg['id']
      const type = msg['type']
      if (typeof id !== 'number' || !Number.isInteger(id) || typeof type !== 'string') {
        return error(typeof id === 'number' ? id : 0, 'invalid_format', 'Message incorrectly formatted.')
      }
      if (id <= lastId) return error(id, 'id_reuse', 'Identifier values have to increase.')
      lastId = id
      requests.push(`WS ${type}`)
      switch (type) {
        case 'ping':
          return out({ id, type: 'pong' })
        case 'supported_features':
          return result(id, null)
        case 'get_states':
          return result(id, [...states.values()])
        case 'get_config':
          return result(id, config())
        case 'get_services':
          return result(id, SEED_SERVICES)
        case 'config/area_registry/list':
          return result(
            id,
            SEED_AREAS.map((a) => ({
              ...a,
              aliases: [],
              floor_id: null,
              icon: null,
              labels: [],
              picture: null,
            })),
          )
        case 'config/device_registry/list':
          return result(
            id,
            SEED_ENTITIES.filter((e) => e.area).map((e) => ({
              id: `dev_${e.entity_id.replace('.', '_')}`,
              area_id: e.area,
              name: e.attributes['friendly_name'],
              manufacturer: 'Fake',
              model: domainOf(e.entity_id),
            })),
          )
        case 'config/entity_registry/list':
          return result(
            id,
            SEED_ENTITIES.map((e) => ({
              entity_id: e.entity_id,
              area_id: null,
              device_id: e.area ? `dev_${e.entity_id.replace('.', '_')}` : null,
              platform: 'fake',
              name: null,
            })),
          )
        case 'call_service': {
          const domain = String(msg['domain'])
          const service = String(msg['service'])
          if (!hasService(domain, service))
            return error(id, 'not_found', `Action ${domain}.${service} not found.`)
          const wants = msg['return_response'] === true
          if (wants && !SEED_SERVICES[domain][service]['response']) {
            return error(
              id,
              'service_validation_error',
              "An action which does not return responses can't be called with return_response=True",
            )
          }
          if (!wants && responseOnly(domain, service)) {
            return error(
              id,
              'service_validation_error',
              'The action requires responses and must be called with return_response=True',
            )
          }
          const target = (msg['target'] ?? {}) as Record<string, unknown>
          const data = { ...((msg['service_data'] ?? {}) as Record<string, unknown>), ...target }
          try {
            const r = callService(domain, service, data)
            return result(id, { context: r.context, response: wants ? r.response : null })
          } catch (e) {
            if (e instanceof Invalid) return error(id, 'invalid_format', 'Invalid service data.')
            throw e
          }
        }
        case 'subscribe_events': {
          const eventType = msg['event_type']
          const listener = (event: Record<string, unknown>) => {
            if (!eventType || event['event_type'] === eventType) out({ id, type: 'event', event })
          }
          subs.set(id, listener)
          subscribers.add(listener)
          return result(id, null)
        }
        case 'subscribe_entities': {
          // The compressed state stream modern frontends use (HA 2022.4+): a = added, c = changed.
          const secs = (t: string) => Date.parse(t) / 1000
          const compress = (st: FakeState) => ({
            s: st.state,
            a: st.attributes,
            c: st.context.id,
            lc: secs(st.last_changed),
            ...(st.last_updated !== st.last_changed ? { lu: secs(st.last_updated) } : {}),
          })
          const listener = (event: Record<string, unknown>) => {
            if (event['event_type'] !== 'state_changed') return
            const { entity_id, old_state, new_state } = event['data'] as {
              entity_id: string
              old_state: FakeState
              new_state: FakeState
            }
            const removed = Object.keys(old_state.attributes).filter((k) => !(k in new_state.attributes))
            const plus = {
              s: new_state.state,
              a: new_state.attributes,
              c: new_state.context.id,
              ...(new_state.last_changed !== old_state.last_changed
                ? { lc: secs(new_state.last_changed) }
                : { lu: secs(new_state.last_updated) }),
            }
            out({
              id,
              type: 'event',
              event: {
                c: { [entity_id]: { '+': plus, ...(removed.length ? { '-': { a: removed } } : {}) } },
              },
            })
          }
          subs.set(id, listener)
          subscribers.add(listener)
          result(id, null)
          return out({
            id,
            type: 'event',
            event: { a: Object.fromEntries([...states.values()].map((st) => [st.entity_id, compress(st)])) },
          })
        }
        case 'unsubscribe_events': {
          const sub = subs.get(Number(msg['subscription']))
          if (!sub) return error(id, 'not_found', 'Subscription not found.')
          subscribers.delete(sub)
          subs.delete(Number(msg['subscription']))
          return result(id, null)
        }
        default:
          return error(id, 'unknown_command', 'Unknown command.')
      }
    })
  })

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) text(res, 500, '500 Internal Server Error\n\nServer got itself in trouble')
    })
  }
  const server: Server = opts.selfSigned
    ? createHttpsServer(
        {
          key: readFileSync(join(__dirname, 'tls/self-signed-key.pem')),
          cert: readFileSync(join(__dirname, 'tls/self-signed-cert.pem')),
        },
        onRequest,
      )
    : createHttpServer(onRequest)
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://fake').pathname !== '/api/websocket') return socket.destroy()
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `${opts.selfSigned ? 'https' : 'http'}://127.0.0.1:${port}`,
    token,
    version,
    states,
    requests,
    authHeaders,
    async close() {
      for (const c of wss.clients) c.terminate()
      wss.close()
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Servers that are not Home Assistant, for the probe's failure cases. */
export async function startOtherServer(
  kind: 'html' | 'hang',
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createHttpServer((_req, res) => {
    if (kind === 'hang') return // accepts the request and never answers
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end('<!DOCTYPE html><html><head><title>Router admin</title></head><body>Welcome</body></html>')
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A loopback port with nothing listening on it (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

import {
  callService,
  createConnection,
  createLongLivedTokenAuth,
  ERR_INVALID_AUTH,
  getConfig,
  getServices,
  getStates,
  subscribeEntities,
  type HassEntities,
} from 'home-assistant-js-websocket'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket as WsWebSocket } from 'ws'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'

let ha: FakeHomeAssistant
const g = globalThis as { WebSocket?: unknown }
const hadWebSocket = 'WebSocket' in g
const previous = g.WebSocket

beforeAll(async () => {
  // The official client uses the global WebSocket (browsers); Node 20 has none, so lend it ws's.
  g.WebSocket = WsWebSocket
  ha = await startFakeHomeAssistant()
})
afterAll(async () => {
  if (hadWebSocket) g.WebSocket = previous
  else delete g.WebSocket
  await ha.close()
})

const rest = (path: string, init: RequestInit & { token?: string | null } = {}) =>
  fetch(ha.url + path, {
    ...init,
    headers: {
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? ha.token}` }),
      'content-type': 'application/json',
    },
  })

describe('the fake Home Assistant, checked with the official WebSocket client', () => {
  it('authenticates, serves states, config and services, and calls services that change state', async () => {
    const conn = await createConnection({ auth: createLongLivedTokenAuth(ha.url, ha.token), setupRetry: 0 })
    try {
      expect(conn.haVersion).toBe(ha.version)
      const states = await getStates(conn)
      expect(states.length).toBe(ha.states.size)
      expect(states.find((s) => s.entity_id === 'sensor.living_room_temperature')?.attributes).toMatchObject({
        unit_of_measurement: '°C',
        friendly_name: 'Living Room Temperature',
      })
      const config = await getConfig(conn)
      expect(config).toMatchObject({
        version: ha.version,
        location_name: 'Maple Street',
        time_zone: 'Europe/Amsterdam',
      })
      const services = await getServices(conn)
      expect(Object.keys(services.light)).toEqual(expect.arrayContaining(['turn_on', 'turn_off', 'toggle']))

      // subscribe_entities: the compressed stream the official client uses for HA 2022.4 and later.
      const seen: HassEntities[] = []
      const unsub = subscribeEntities(conn, (e) => seen.push(e))
      await expect.poll(() => seen.length).toBeGreaterThan(0)
      const result = (await callService(
        conn,
        'light',
        'turn_on',
        { brightness_pct: 50 },
        { entity_id: 'light.kitchen' },
      )) as {
        context: { id: string }
      }
      expect(result.context.id).toMatch(/^[0-9A-F]{26}$/)
      expect(ha.states.get('light.kitchen')).toMatchObject({ state: 'on', attributes: { brightness: 128 } })
      await expect.poll(() => seen.at(-1)?.['light.kitchen']?.state).toBe('on')
      unsub()

      const forecast = (await callService(
        conn,
        'weather',
        'get_forecasts',
        { type: 'daily' },
        { entity_id: 'weather.home' },
        true,
      )) as {
        response: Record<string, { forecast: unknown[] }>
      }
      expect(forecast.response['weather.home'].forecast).toHaveLength(3)
      await expect(
        callService(conn, 'light', 'explode', {}, { entity_id: 'light.kitchen' }),
      ).rejects.toMatchObject({
        code: 'not_found',
      })
      await expect(conn.ping()).resolves.toBeUndefined()
    } finally {
      conn.close()
    }
  })

  it('refuses a wrong token with auth_invalid', async () => {
    await expect(
      createConnection({ auth: createLongLivedTokenAuth(ha.url, 'not-the-token'), setupRetry: 0 }),
    ).rejects.toBe(ERR_INVALID_AUTH)
  })
})

describe('the fake Home Assistant REST API', () => {
  it('answers 401 text/plain without a valid token, even on /api/', async () => {
    for (const token of [null, 'wrong']) {
      const res = await rest('/api/', { token })
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toMatch(/text\/plain/)
      expect(await res.text()).toBe('401: Unauthorized')
    }
  })

  it('has the documented bodies for status, unknown entities, bad JSON and unknown services', async () => {
    expect(await (await rest('/api/')).json()).toEqual({ message: 'API running.' })
    const missing = await rest('/api/states/light.nowhere')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ message: 'Entity not found.' })
    const bad = await rest('/api/services/light/turn_on', { method: 'POST', body: '{"entity_id": ' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ message: 'Data should be valid JSON.' })
    const unknown = await rest('/api/services/light/explode', { method: 'POST', body: '{}' })
    expect(unknown.status).toBe(400)
    const needsResponse = await rest('/api/services/weather/get_forecasts', {
      method: 'POST',
      body: JSON.stringify({ entity_id: 'weather.home', type: 'daily' }),
    })
    expect(needsResponse.status).toBe(400)
    expect((await needsResponse.json()).message).toMatch(/requires responses.*return_response/)
  })

  it('returns changed states from a service call and the response shape with ?return_response', async () => {
    const res = await rest('/api/services/switch/turn_on', {
      method: 'POST',
      body: JSON.stringify({ entity_id: 'switch.coffee_maker' }),
    })
    expect(res.status).toBe(200)
    const changed = (await res.json()) as {
      entity_id: string
      state: string
      last_changed: string
      context: unknown
    }[]
    expect(changed).toHaveLength(1)
    expect(changed[0]).toMatchObject({ entity_id: 'switch.coffee_maker', state: 'on' })
    expect(changed[0].context).toMatchObject({ user_id: expect.any(String) })
    expect(((await (await rest('/api/states/switch.coffee_maker')).json()) as { state: string }).state).toBe(
      'on',
    )
    // Same call again: nothing changes, so nothing is reported.
    const again = await rest('/api/services/switch/turn_on', {
      method: 'POST',
      body: JSON.stringify({ entity_id: 'switch.coffee_maker' }),
    })
    expect(await again.json()).toEqual([])
    const withResponse = await rest('/api/services/weather/get_forecasts?return_response', {
      method: 'POST',
      body: JSON.stringify({ entity_id: 'weather.home', type: 'hourly' }),
    })
    const body = (await withResponse.json()) as {
      changed_states: unknown[]
      service_response: Record<string, unknown>
    }
    expect(body.changed_states).toEqual([])
    expect(Object.keys(body.service_response)).toEqual(['weather.home'])
    const services = (await (await rest('/api/services')).json()) as {
      domain: string
      services: Record<string, unknown>
    }[]
    expect(services.find((d) => d.domain === 'climate')?.services).toHaveProperty('set_temperature')
  })
})

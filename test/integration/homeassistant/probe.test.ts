import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../electron/core/clock'
import { HaError } from '../../../electron/core/homeassistant/errors'
import { probeHomeAssistant } from '../../../electron/core/homeassistant/probe'
import { HaRestClient } from '../../../electron/core/homeassistant/rest-client'
import { HaWebSocket, type HaEvent } from '../../../electron/core/homeassistant/ws-client'
import {
  closedPort,
  startFakeHomeAssistant,
  startOtherServer,
  type FakeHomeAssistant,
} from '../../fakes/homeassistant/server'

let ha: FakeHomeAssistant
let other: FakeHomeAssistant

beforeAll(async () => {
  ha = await startFakeHomeAssistant()
  other = await startFakeHomeAssistant({ version: '2024.12.5', locationName: 'Beach House' })
  // One entity fewer on the second one, so the count is proven to come from the server.
  other.states.delete('sun.sun')
})
afterAll(async () => {
  await ha.close()
  await other.close()
})

describe('connection probe', () => {
  it('reads version, location, entity count and latency from the server', async () => {
    for (const [fake, location] of [
      [ha, 'Maple Street'],
      [other, 'Beach House'],
    ] as const) {
      const r = await probeHomeAssistant({ url: fake.url + '/api/', token: fake.token }, systemClock)
      expect(r).toMatchObject({
        reachable: true,
        reason: 'ok',
        url: fake.url,
        version: fake.version,
        locationName: location,
        entityCount: fake.states.size,
        warnings: [],
      })
      expect(r.latencyMs).toBeGreaterThanOrEqual(0)
      expect(r.latencyMs).toBeLessThan(5000)
      expect(r.advice[0]).toMatch(/HTTPS is recommended/)
    }
    expect(ha.requests).toEqual(expect.arrayContaining(['GET /api/', 'GET /api/config', 'GET /api/states']))
  })

  it('reports a wrong token as bad_token', async () => {
    const r = await probeHomeAssistant({ url: ha.url, token: 'wrong-token' }, systemClock)
    expect(r).toMatchObject({ reachable: false, reason: 'bad_token', version: null, entityCount: null })
    expect(r.message).toMatch(/refused the access token \(401 Unauthorized\)/)
    expect(r.message).not.toContain('wrong-token')
  })

  it('reports a closed port as unreachable', async () => {
    const port = await closedPort()
    const r = await probeHomeAssistant({ url: `http://127.0.0.1:${port}`, token: 'x' }, systemClock)
    expect(r).toMatchObject({ reachable: false, reason: 'unreachable', latencyMs: null })
    expect(r.message).toMatch(/connection refused/)
  })

  it('reports a server that never answers as a timeout', async () => {
    const hang = await startOtherServer('hang')
    try {
      const started = Date.now()
      const r = await probeHomeAssistant({ url: hang.url, token: 'x', timeoutMs: 300 }, systemClock)
      expect(r).toMatchObject({ reachable: false, reason: 'timeout' })
      expect(r.message).toMatch(/did not answer within 300 ms/)
      expect(Date.now() - started).toBeLessThan(3000)
    } finally {
      await hang.close()
    }
  })

  it('reports a server answering 200 with something else as not Home Assistant', async () => {
    const web = await startOtherServer('html')
    try {
      const r = await probeHomeAssistant({ url: web.url, token: 'x' }, systemClock)
      expect(r).toMatchObject({ reachable: false, reason: 'not_home_assistant' })
      expect(r.message).toMatch(/not a Home Assistant API: GET \/api\/ answered with an HTML page/)
    } finally {
      await web.close()
    }
  })

  it('reports a self-signed certificate clearly, as reason and warning', async () => {
    const tls = await startFakeHomeAssistant({ selfSigned: true })
    try {
      const r = await probeHomeAssistant({ url: tls.url, token: tls.token }, systemClock)
      expect(r).toMatchObject({ reachable: false, reason: 'self_signed' })
      expect(r.message).toMatch(/self-signed certificate/)
      expect(r.warnings.map((w) => w.code)).toEqual(['self_signed'])
      expect(r.advice).toEqual([])
    } finally {
      await tls.close()
    }
  })

  it('refuses an invalid URL before probing', async () => {
    await expect(probeHomeAssistant({ url: 'ftp://x', token: 't' }, systemClock)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
  })
})

describe('REST client', () => {
  it('reads states, one state, services (object or old list form) and history; calls services', async () => {
    const c = new HaRestClient({ baseUrl: ha.url, token: ha.token })
    try {
      expect((await c.state('climate.living_room')).attributes['hvac_modes']).toEqual(['off', 'heat', 'auto'])
      await expect(c.state('light.nowhere')).rejects.toMatchObject({
        failure: 'not_found',
        code: 'NOT_FOUND',
      })
      const services = await c.services()
      expect(Object.keys(services.find((d) => d.domain === 'switch')!.services)).toEqual([
        'turn_on',
        'turn_off',
        'toggle',
      ])

      const r = await c.callService('climate', 'set_temperature', {
        entity_id: 'climate.living_room',
        temperature: 22.5,
      })
      expect(r.changedStates.map((s) => [s.entity_id, s.attributes['temperature']])).toEqual([
        ['climate.living_room', 22.5],
      ])
      await expect(
        c.callService('climate', 'set_temperature', { entity_id: 'climate.living_room' }),
      ).rejects.toMatchObject({
        failure: 'bad_request',
        status: 400,
      })
      await expect(c.callService('light', 'explode', {})).rejects.toBeInstanceOf(HaError)
      await expect(
        c.callService('weather', 'get_forecasts', { entity_id: 'weather.home', type: 'daily' }),
      ).rejects.toThrow(/requires responses/)
      const fc = await c.callService(
        'weather',
        'get_forecasts',
        { entity_id: 'weather.home', type: 'daily' },
        { returnResponse: true },
      )
      expect(fc.serviceResponse).toHaveProperty(['weather.home', 'forecast'])

      const hist = await c.history(new Date(Date.now() - 4 * 3_600_000), {
        entityIds: ['sensor.living_room_temperature'],
        end: new Date(),
        minimal: true,
      })
      expect(hist[0].map((h) => h.state)).toEqual(['20.8', '21.1', '21.4'])
      expect(hist[0][1]).not.toHaveProperty('attributes')
    } finally {
      await c.close()
    }
  })

  it('tolerates the older list form of /api/services', async () => {
    const { normaliseServices } = await import('../../../electron/core/homeassistant/models')
    expect(normaliseServices([{ domain: 'keyboard', services: ['volume_up', 'volume_down'] }])).toEqual([
      { domain: 'keyboard', services: { volume_up: {}, volume_down: {} } },
    ])
  })
})

describe('WebSocket client', () => {
  it('authenticates, sends commands with increasing ids and receives state_changed events', async () => {
    const ws = await HaWebSocket.connect(ha.url, ha.token)
    try {
      expect(ws.haVersion).toBe(ha.version)
      await ws.ping()
      const config = await ws.command<{ location_name: string }>('get_config')
      expect(config.location_name).toBe('Maple Street')
      const events: HaEvent[] = []
      const unsubscribe = await ws.subscribeEvents('state_changed', (e) => events.push(e))
      await ws.command('call_service', {
        domain: 'switch',
        service: 'toggle',
        target: { entity_id: 'switch.garden_pump' },
      })
      await expect.poll(() => events.length).toBe(1)
      expect(events[0].data).toMatchObject({ entity_id: 'switch.garden_pump', new_state: { state: 'off' } })
      await unsubscribe()
      await expect(ws.command('no_such_command')).rejects.toThrow(/Unknown command/)
    } finally {
      await ws.close()
    }
  })

  it('reports auth_invalid as a bad token', async () => {
    await expect(HaWebSocket.connect(ha.url, 'nope', { timeoutMs: 2000 })).rejects.toMatchObject({
      failure: 'bad_token',
    })
  })
})

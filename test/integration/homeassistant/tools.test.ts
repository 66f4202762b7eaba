import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ToolSource } from '../../../electron/core/bridge/tool-source'
import { createHomeAssistantToolSource } from '../../../electron/core/homeassistant/tools'
import { makeCore } from '../../helpers/core'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'

let ha: FakeHomeAssistant
let core: Awaited<ReturnType<typeof makeCore>>
let source: ToolSource
let client: Client
const results: unknown[] = []

/** Serves the tool source through a real MCP server and client, so results pass the SDK's schemas. */
async function connect(src: ToolSource): Promise<Client> {
  const server = new Server({ name: 'ha-tools-test', version: '0.0.0' }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await src.listTools()).map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      annotations: t.annotations,
    })),
  }))
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const tool = (await src.listTools()).find((t) => t.name === req.params.name)
    if (!tool) throw new Error(`unknown tool ${req.params.name}`)
    return tool.call(req.params.arguments ?? {}, { clientName: 'test', signal: new AbortController().signal })
  })
  const [a, b] = InMemoryTransport.createLinkedPair()
  const c = new Client({ name: 'test-client', version: '0.0.0' })
  await Promise.all([server.connect(a), c.connect(b)])
  return c
}

async function callTool(name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult
  results.push(r)
  const text = (r.content[0] as { text: string }).text
  return { r, text, data: r.isError ? null : (JSON.parse(text) as Record<string, unknown>) }
}

beforeAll(async () => {
  ha = await startFakeHomeAssistant()
  core = await makeCore({ unlocked: true })
  const add = (name: string, allowedDomains: string[]) =>
    core.invoke('homeassistant.add', { name, url: ha.url, token: ha.token, allowedDomains })
  expect(await add('Home', [])).toMatchObject({ ok: true })
  expect(await add('Lights Only', ['light'])).toMatchObject({ ok: true })
  source = createHomeAssistantToolSource(core.ctx)
  client = await connect(source)
})
afterAll(async () => {
  await client.close()
  await core.dispose()
  await ha.close()
})

describe('Home Assistant MCP tools', () => {
  it('lists four tools per instance with the right annotations', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['home', 'lights_only']
        .flatMap((s) =>
          ['call_service', 'get_history', 'get_state', 'list_entities'].map((t) => `ha_${s}_${t}`),
        )
        .sort(),
    )
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]))
    expect(byName['ha_home_list_entities'].annotations).toMatchObject({ readOnlyHint: true })
    expect(byName['ha_home_get_state'].annotations).toMatchObject({ readOnlyHint: true })
    expect(byName['ha_home_get_history'].annotations).toMatchObject({ readOnlyHint: true })
    expect(byName['ha_home_call_service'].annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    })
    expect(byName['ha_lights_only_call_service'].description).toMatch(/Only these domains are allowed: light/)
  })

  it('list_entities filters by domain, area and text, with areas from the registries', async () => {
    const lights = await callTool('ha_home_list_entities', { domain: 'light' })
    expect((lights.data!['entities'] as { entity_id: string }[]).map((e) => e.entity_id).sort()).toEqual([
      'light.bedroom_lamp',
      'light.kitchen',
      'light.living_room',
    ])
    expect(lights.r.structuredContent).toEqual(lights.data)
    const kitchen = await callTool('ha_home_list_entities', { area: 'Kitchen' })
    expect(
      (kitchen.data!['entities'] as { entity_id: string; area: string }[]).map((e) => [e.entity_id, e.area]),
    ).toEqual([
      ['light.kitchen', 'Kitchen'],
      ['switch.coffee_maker', 'Kitchen'],
    ])
    const temp = await callTool('ha_home_list_entities', { search: 'temperature' })
    expect(temp.data!['entities']).toContainEqual({
      entity_id: 'sensor.living_room_temperature',
      domain: 'sensor',
      name: 'Living Room Temperature',
      state: '21.4',
      area: 'Living Room',
      unit: '°C',
      device_class: 'temperature',
    })
    const all = await callTool('ha_home_list_entities', {})
    expect(all.data!['total']).toBe(ha.states.size)
    const limited = await callTool('ha_lights_only_list_entities', {})
    expect((limited.data!['entities'] as { domain: string }[]).every((e) => e.domain === 'light')).toBe(true)
  })

  it('get_state and get_history read one entity', async () => {
    const s = await callTool('ha_home_get_state', { entity_id: 'climate.living_room' })
    expect(s.data).toMatchObject({
      entity_id: 'climate.living_room',
      state: 'heat',
      attributes: { temperature: 21 },
    })
    const missing = await callTool('ha_home_get_state', { entity_id: 'light.nowhere' })
    expect(missing.r.isError).toBe(true)
    expect(missing.text).toMatch(/no entity light\.nowhere/)
    const h = await callTool('ha_home_get_history', {
      entity_id: 'sensor.living_room_temperature',
      hours: 4,
    })
    expect((h.data!['changes'] as { state: string }[]).map((c) => c.state)).toEqual(['20.8', '21.1', '21.4'])
  })

  it('call_service changes state and returns the changed states and service responses', async () => {
    const r = await callTool('ha_home_call_service', {
      domain: 'light',
      service: 'turn_on',
      entity_id: 'light.bedroom_lamp',
      data: { brightness_pct: 20 },
    })
    expect(r.data).toEqual({
      service: 'light.turn_on',
      changed: [{ entity_id: 'light.bedroom_lamp', state: 'on' }],
    })
    expect(ha.states.get('light.bedroom_lamp')).toMatchObject({ state: 'on', attributes: { brightness: 51 } })
    const fc = await callTool('ha_home_call_service', {
      domain: 'weather',
      service: 'get_forecasts',
      entity_id: 'weather.home',
      data: { type: 'daily' },
      return_response: true,
    })
    expect(fc.data!['response']).toHaveProperty(['weather.home', 'forecast'])
    const unknown = await callTool('ha_home_call_service', { domain: 'light', service: 'explode' })
    expect(unknown.r.isError).toBe(true)
    expect(unknown.text).toMatch(/refused the request/)
  })

  it('enforces allowed domains for calls and reads, with a clear error', async () => {
    const before = ha.states.get('lock.front_door')!.state
    const direct = await callTool('ha_lights_only_call_service', {
      domain: 'lock',
      service: 'unlock',
      entity_id: 'lock.front_door',
    })
    expect(direct.r.isError).toBe(true)
    expect(direct.text).toMatch(/outside the domains allowed for "Lights Only" \(light\)/)
    // A generic service aimed at a lock is refused too.
    const sneaky = await callTool('ha_lights_only_call_service', {
      domain: 'light',
      service: 'turn_on',
      entity_id: ['light.kitchen', 'lock.front_door'],
    })
    expect(sneaky.r.isError).toBe(true)
    expect(sneaky.text).toMatch(/lock\.front_door is outside/)
    expect(ha.states.get('lock.front_door')!.state).toBe(before)
    const read = await callTool('ha_lights_only_get_state', { entity_id: 'lock.front_door' })
    expect(read.r.isError).toBe(true)
    const ok = await callTool('ha_lights_only_call_service', {
      domain: 'light',
      service: 'toggle',
      entity_id: 'light.kitchen',
    })
    expect(ok.r.isError).toBeFalsy()
  })

  it('announces changes and never returns the token', async () => {
    let changed = 0
    const off = source.onChange!(() => changed++)
    const list = (await core.invoke('homeassistant.list', undefined)) as {
      ok: true
      data: { id: string; name: string }[]
    }
    const id = list.data.find((i) => i.name === 'Lights Only')!.id
    await core.invoke('homeassistant.update', { id, allowedDomains: ['light', 'lock'] })
    off()
    expect(changed).toBe(1)
    const unlocked = await callTool('ha_lights_only_call_service', {
      domain: 'lock',
      service: 'unlock',
      entity_id: 'lock.front_door',
    })
    expect(unlocked.data).toMatchObject({ changed: [{ entity_id: 'lock.front_door', state: 'unlocked' }] })
    expect(JSON.stringify(results)).not.toContain(ha.token)
  })
})

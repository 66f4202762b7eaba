import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'
import { connectClient, startBridge, textOf } from './support'

describe('Home Assistant tools through the bridge', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let ha: FakeHomeAssistant
  beforeAll(async () => {
    ha = await startFakeHomeAssistant()
    env = await startBridge({ approvalMode: 'approve_all' })
  })
  afterAll(async () => {
    await env.dispose()
    await ha.close()
  })

  it('serves the instance tools, read and write, and keeps the HA token out of results', async () => {
    const client = await connectClient(env.url, env.token)
    const before = (await client.listTools()).tools.map((t) => t.name)
    expect(before.some((n) => n.startsWith('ha_'))).toBe(false)
    const added = await env.core.invoke('homeassistant.add', {
      name: 'Home',
      url: ha.url,
      token: ha.token,
      allowedDomains: ['light'],
      validate: false,
    })
    expect(added.ok).toBe(true)
    const tools = (await client.listTools()).tools
    const names = tools.map((t) => t.name)
    const prefix = names.find((n) => n.endsWith('_get_state'))!.replace(/_get_state$/, '')
    expect(prefix).toMatch(/^ha_/)
    expect(names).toContain(`${prefix}_call_service`)
    expect(tools.find((t) => t.name === `${prefix}_list_entities`)?.annotations?.readOnlyHint).toBe(true)

    const state = await client.callTool({
      name: `${prefix}_get_state`,
      arguments: { entity_id: 'light.kitchen' },
    })
    expect(state.isError).toBeFalsy()
    expect(textOf(state)).toContain('light.kitchen')
    const outside = await client.callTool({
      name: `${prefix}_get_state`,
      arguments: { entity_id: 'switch.coffee_maker' },
    })
    expect(outside.isError).toBe(true)
    const on = await client.callTool({
      name: `${prefix}_call_service`,
      arguments: { domain: 'light', service: 'turn_on', entity_id: 'light.kitchen' },
    })
    expect(on.isError).toBeFalsy()
    expect(ha.states.get('light.kitchen')?.state).toBe('on')
    expect(JSON.stringify([state, on])).not.toContain(ha.token)
    const info = (await env.core.invoke('bridge.tools.list', undefined)) as {
      data: { name: string; source: string; requiredLevel: string }[]
    }
    expect(info.data.find((t) => t.name === `${prefix}_call_service`)).toMatchObject({
      source: 'homeassistant',
      requiredLevel: 'write',
    })
    await client.close()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'
import { TEST_KDF, TEST_PASSWORD } from '../../helpers/core'
import { toolName, upstreamStatus } from './remote-support'
import { connectClient, startBridge, textOf, waitFor } from './support'

describe("Home Assistant's own MCP server (mcp_server, POST /api/mcp) as a remote upstream", () => {
  let ha: FakeHomeAssistant
  let env: Awaited<ReturnType<typeof startBridge>>
  beforeAll(async () => {
    ha = await startFakeHomeAssistant()
    env = await startBridge({ approvalMode: 'approve_all' })
    expect(
      await env.core.invoke('homeassistant.add', {
        name: 'Home',
        url: ha.url,
        token: ha.token,
        allowedDomains: [],
      }),
    ).toMatchObject({ ok: true })
  })
  afterAll(async () => {
    await env.dispose()
    await ha.close()
  })

  it('registers in one step with the instance token (never copied) and relays its intents', async () => {
    const r = await env.core.invoke('bridge.upstream.addHomeAssistant', { instance: 'Home' })
    expect(r.ok).toBe(true)
    const s = (r as { data: UpstreamSummary }).data
    expect(s.name).toBe('home-mcp')
    expect(s.remote).toMatchObject({ url: `${ha.url}/api/mcp`, transport: 'streamable-http' })
    expect(JSON.stringify(s)).not.toContain(ha.token)
    await waitFor(async () => (await upstreamStatus(env.core, 'home-mcp')).state === 'running')
    const client = await connectClient(env.url, env.token)
    const turnOn = await toolName(client, 'home', 'HassTurnOn')
    const res = await client.callTool({ name: turnOn, arguments: { name: 'Kitchen Light' } })
    expect(res.isError).toBeFalsy()
    expect(ha.states.get('light.kitchen')?.state).toBe('on')
    expect(ha.requests).toContain('POST /api/mcp')
    expect(ha.authHeaders.at(-1)).toBe(`Bearer ${ha.token}`)
    expect(textOf(res)).not.toContain(ha.token)
    await client.close()
  })

  it('is also one CLI step: upstream add --home-assistant', async () => {
    let out = ''
    const io: CliIO = {
      out: (x) => (out += x),
      err: () => {},
      promptSecret: async () => undefined,
      isTTY: false,
    }
    const code = await runCli(
      [
        'upstream',
        'add',
        '--home-assistant',
        'Home',
        '--name',
        'ha2',
        '--json',
        '--data-dir',
        env.core.dataDir,
      ],
      { io, env: { KEYBRIDGE_PASSWORD: TEST_PASSWORD }, kdf: TEST_KDF },
    )
    expect(code).toBe(0)
    expect(JSON.parse(out).remote.url).toBe(`${ha.url}/api/mcp`)
  })
})

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterEach, describe, expect, it } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { providersOf } from '../../../electron/core/providers/feature'
import { Validator } from '../../../electron/core/providers/validator'
import { makeCore } from '../../helpers/core'
import {
  startMisbehavingServer,
  type Misbehaviour,
  type MisbehavingServer,
} from './support/misbehaving-server'

const HA_TOKEN = 'ha-fault-secret-token-4711'
const GH_TOKEN = 'ghp_fault_secret_token_4711'

/** What each failure must be reported as: a timeout when the peer goes quiet, unreachable when it hangs up. */
const EXPECTED: Record<Misbehaviour, { reason: 'timeout' | 'unreachable'; code: 'TIMEOUT' | 'UNREACHABLE' }> =
  {
    silent: { reason: 'timeout', code: 'TIMEOUT' },
    'stall-body': { reason: 'timeout', code: 'TIMEOUT' },
    reset: { reason: 'unreachable', code: 'UNREACHABLE' },
    'half-response': { reason: 'unreachable', code: 'UNREACHABLE' },
    garbage: { reason: 'unreachable', code: 'UNREACHABLE' },
  }
const MODES = Object.keys(EXPECTED) as Misbehaviour[]

const open: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

async function setup(mode: Misbehaviour) {
  const server: MisbehavingServer = await startMisbehavingServer(mode)
  open.push(server)
  const core = await makeCore({ unlocked: true, env: { KEYBRIDGE_GITHUB_BASE_URL: server.url } })
  open.push({ close: () => core.dispose() })
  return { server, core }
}

describe('Home Assistant that times out or drops the connection', () => {
  it.each(MODES)(
    '%s: the probe and the save report it precisely, quickly, without the token',
    async (mode) => {
      const { server, core } = await setup(mode)
      const t0 = performance.now()
      const probe = await core.invoke('homeassistant.test', {
        url: server.url,
        token: HA_TOKEN,
        timeoutMs: 400,
      })
      expect(probe).toMatchObject({ ok: true, data: { reachable: false, reason: EXPECTED[mode].reason } })
      const add = await core.invoke('homeassistant.add', {
        name: 'home',
        url: server.url,
        token: HA_TOKEN,
        timeoutMs: 400,
      })
      expect(add).toMatchObject({ ok: false, error: { code: EXPECTED[mode].code } })
      expect(performance.now() - t0).toBeLessThan(5_000)
      expect(server.connections).toBeGreaterThan(0)
      expect(JSON.stringify([probe, add])).not.toContain(HA_TOKEN)
      // Refused means not stored.
      expect(await core.invoke('homeassistant.list', {})).toMatchObject({ ok: true, data: [] })
    },
  )
})

describe('a Home Assistant tool call through the bridge when Home Assistant drops the connection', () => {
  it.each(['reset', 'half-response', 'garbage'] as Misbehaviour[])(
    '%s: the MCP client gets a tool error that says so, the bridge keeps serving',
    async (mode) => {
      const { server, core } = await setup(mode)
      const added = await core.invoke('homeassistant.add', {
        name: 'home',
        url: server.url,
        token: HA_TOKEN,
        validate: false,
      })
      expect(added.ok).toBe(true)
      const bridge = getBridge(core.ctx)
      const status = await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
      open.push({ close: () => bridge.stop() })
      const token = (await core.invoke('bridge.tokens.create', { name: 'faults' })) as {
        data: { token: string }
      }
      const client = new Client({ name: 'faults', version: '1.0.0' })
      await client.connect(
        new StreamableHTTPClientTransport(new URL(status.url!), {
          requestInit: { headers: { Authorization: `Bearer ${token.data.token}` } },
        }),
      )
      open.push(client)
      const r = await client.callTool({
        name: 'ha_home_get_state',
        arguments: { entity_id: 'light.kitchen' },
      })
      expect(r.isError).toBe(true)
      const text = (r.content as { text?: string }[]).map((c) => c.text ?? '').join(' ')
      expect(text).toMatch(/closed the connection|could not be reached|unreachable/i)
      expect(text).not.toContain(HA_TOKEN)
      // Still serving.
      expect((await client.listTools()).tools.some((t) => t.name === 'ha_home_get_state')).toBe(true)
    },
  )
})

describe('a provider that times out or drops the connection', () => {
  it.each(MODES)('%s: validation reports it as a typed result without the secret', async (mode) => {
    const { core } = await setup(mode)
    const { http } = providersOf(core.ctx)!
    // The same validator the core uses, with a short deadline so the quiet cases stay fast.
    const validator = new Validator({
      http,
      clock: core.ctx.clock,
      env: core.ctx.env,
      userAgent: 'kb-test',
      timeoutMs: 500,
    })
    const t0 = performance.now()
    const v = await validator.check('github', { fields: {}, secrets: { token: GH_TOKEN } } as never)
    expect(v).toMatchObject({ outcome: 'unreachable', reason: EXPECTED[mode].reason })
    expect(v.message).toMatch(/127\.0\.0\.1/)
    expect(JSON.stringify(v)).not.toContain(GH_TOKEN)
    expect(performance.now() - t0).toBeLessThan(8_000)
  })

  it.each(MODES.filter((m) => EXPECTED[m].reason === 'unreachable'))(
    '%s: saving through IPC is refused with VALIDATION_FAILED and nothing is stored',
    async (mode) => {
      const { core } = await setup(mode)
      const res = await core.invoke('credentials.create', {
        service: 'github',
        name: 'work',
        fields: { token: GH_TOKEN },
      })
      expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
      expect(JSON.stringify(res)).not.toContain(GH_TOKEN)
      expect(await core.invoke('credentials.list', {})).toMatchObject({ ok: true, data: [] })
    },
  )
})

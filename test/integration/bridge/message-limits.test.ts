import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { INIT_BODY, MCP_HEADERS, rawRequest, startBridge } from './support'

/** The rate limit counts JSON-RPC messages, so one HTTP request carrying a batch cannot multiply it. */
/** A test tool's exposed name, however the bridge spells names (`test.read_thing` or `test_read_thing`). */
let N: Record<string, string> = {}

describe('bridge rate limit per JSON-RPC message', () => {
  const clock = new ManualClock()
  let env: Awaited<ReturnType<typeof startBridge>>

  beforeAll(async () => {
    env = await startBridge({ clock })
    const exposed = [...(await env.bridge.registry.tools()).keys()]
    N = Object.fromEntries(
      ['test.read_thing'].map((n) => [n, exposed.find((e) => e === n || e === n.replace('.', '_'))!]),
    )
  })
  afterAll(async () => {
    await env.dispose()
  })

  async function session(token: string, protocolVersion: string): Promise<string> {
    const r = await rawRequest(env.port, {
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...INIT_BODY, params: { ...INIT_BODY.params, protocolVersion } }),
    })
    expect(r.status).toBe(200)
    return String(r.headers['mcp-session-id'])
  }

  const calls = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      jsonrpc: '2.0',
      id: from + i,
      method: 'tools/call',
      params: { name: N['test.read_thing'], arguments: { text: String(from + i) } },
    }))

  function post(token: string, sid: string, version: string, body: unknown) {
    return rawRequest(env.port, {
      headers: {
        ...MCP_HEADERS,
        Authorization: `Bearer ${token}`,
        'Mcp-Session-Id': sid,
        'Mcp-Protocol-Version': version,
      },
      body: JSON.stringify(body),
    })
  }

  it('a batch of 150 calls against a limit of 100: at most 100 run, however they are batched', async () => {
    env.bridge.setConfig({ rateLimitPerMinute: 100 })
    const { token } = env.bridge.tokens.create({ name: 'Batcher', scopes: [] })
    const sid = await session(token, '2025-03-26') // 1 message
    const ran = () => env.tools.calls.filter((c) => c.tool === 'read_thing').length
    const before = ran()

    const big = await post(token, sid, '2025-03-26', calls(0, 150))
    expect(big.status).toBe(429)
    expect(JSON.parse(big.body).error.message).toContain('batch of 150 messages')
    expect(ran() - before).toBe(0)

    expect((await post(token, sid, '2025-03-26', calls(200, 60))).status).toBe(200)
    expect(ran() - before).toBe(60)
    // 39 left: a batch of 60 runs none of its calls, not the first 39.
    expect((await post(token, sid, '2025-03-26', calls(300, 60))).status).toBe(429)
    expect(ran() - before).toBe(60)

    const statuses: number[] = []
    for (const c of calls(400, 45)) statuses.push((await post(token, sid, '2025-03-26', c)).status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(39)
    expect(ran() - before).toBe(99)
    expect(ran() - before).toBeLessThanOrEqual(100)
    env.bridge.setConfig({ rateLimitPerMinute: 100_000 })
  })

  it('refuses a batch with a JSON-RPC error when the negotiated version has no batching (2025-06-18 on)', async () => {
    const before = env.tools.calls.length
    for (const version of ['2025-06-18', '2025-11-25']) {
      const sid = await session(env.token, version)
      const r = await post(env.token, sid, version, calls(0, 2))
      expect(r.status).toBe(400)
      const body = JSON.parse(r.body) as { jsonrpc: string; error: { code: number; message: string } }
      expect(body.jsonrpc).toBe('2.0')
      expect(body.error.code).toBe(-32600)
      expect(body.error.message).toContain(`MCP ${version}`)
      // One message per request still works in that session.
      expect((await post(env.token, sid, version, calls(9, 1)[0])).status).toBe(200)
    }
    expect(env.tools.calls.length - before).toBe(2)
  })

  it('refused requests count too: junk cannot be sent for free', async () => {
    env.bridge.setConfig({ rateLimitPerMinute: 5 })
    const { token } = env.bridge.tokens.create({ name: 'Junk', scopes: [] })
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const r = await rawRequest(env.port, {
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
        body: i % 2 ? '{"not json' : JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      })
      statuses.push(r.status)
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429])
    env.bridge.setConfig({ rateLimitPerMinute: 100_000 })
  })
})

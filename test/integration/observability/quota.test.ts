import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { getBridge } from '../../../electron/core/bridge/feature'
import { listAudit } from '../../../electron/core/vault/audit-query'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'
import { testToolSource } from '../../fakes/mcp/test-tools'
import { connectClient, INIT_BODY, MCP_HEADERS, rawRequest, rawSession, textOf } from '../bridge/support'

describe('daily and monthly quotas per client token', () => {
  const t = tempDir('kb-quota-')
  // 10:00 local time on 10 March 2026.
  const clock = new ManualClock(new Date(2026, 2, 10, 10, 0).getTime())
  let core: Awaited<ReturnType<typeof makeCore>>
  let token = ''
  let tool = ''

  async function open(first: boolean) {
    core = await makeCore({ dataDir: t.dir, clock, unlocked: first })
    if (!first) await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    const bridge = getBridge(core.ctx)
    bridge.registry.add(testToolSource())
    bridge.setConfig({ rateLimitPerMinute: 100_000 })
    await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
    tool = [...(await bridge.registry.tools()).keys()].find((n) => n.includes('read_thing'))!
    return bridge
  }
  const call = async () => {
    const client = await connectClient(getBridge(core.ctx).url!, token)
    try {
      return await client.callTool({ name: tool, arguments: { text: 'x' } })
    } finally {
      await client.close()
    }
  }
  const flush = () =>
    getBridge(core.ctx)
      .stop()
      .then(() => getBridge(core.ctx).start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' }))

  beforeAll(async () => {
    await open(true)
    const created = await core.invoke('bridge.tokens.create', { name: 'Quota App', dailyQuota: 3 })
    if (!created.ok) throw new Error(created.error.message)
    token = (created.data as { token: string }).token
  })
  afterAll(async () => {
    await core.close()
    t.cleanup()
  })

  it('refuses the (N+1)th call of the day with a JSON-RPC error naming the quota and its reset, as HTTP 429', async () => {
    for (let i = 0; i < 3; i++) expect(textOf(await call())).toBe('read_thing:x')
    const refused = await call().then(
      () => null,
      (e: Error) => e,
    )
    expect(refused?.message).toContain('may make 3 tool calls per day and has used 3')
    expect(refused?.message).toContain('The daily quota resets at 2026-03-11 00:00 local time')

    const port = Number(new URL(getBridge(core.ctx).url!).port)
    const sid = await rawSession(port, token)
    const raw = await rawRequest(port, {
      headers: {
        ...MCP_HEADERS,
        Authorization: `Bearer ${token}`,
        'Mcp-Session-Id': sid,
        'MCP-Protocol-Version': INIT_BODY.params.protocolVersion,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: tool, arguments: {} },
      }),
    })
    expect(raw.status).toBe(429)
    expect(Number(raw.headers['retry-after'])).toBe(14 * 3600)
    const body = JSON.parse(raw.body) as {
      id: number
      error: { code: number; message: string; data: Record<string, unknown> }
    }
    expect(body.id).toBe(7)
    expect(body.error.code).toBe(-32000)
    expect(body.error.data).toMatchObject({
      quota: 'daily',
      limit: 3,
      used: 3,
      resetsAt: new Date(2026, 2, 11).toISOString(),
    })

    // Other requests of the token still pass (tools/list is not a tool call).
    const list = await rawRequest(port, {
      headers: {
        ...MCP_HEADERS,
        Authorization: `Bearer ${token}`,
        'Mcp-Session-Id': sid,
        'MCP-Protocol-Version': INIT_BODY.params.protocolVersion,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }),
    })
    expect(list.status).toBe(200)

    await flush()
    const audited = listAudit(core.ctx.db, { action: 'quota_refused' })
    expect(audited.total).toBe(2)
    expect(audited.entries[0]).toMatchObject({ actorName: 'Quota App', target: tool, outcome: 'denied' })
    expect(audited.entries[0].detail).toMatchObject({ quota: 'daily', limit: 3 })
  })

  it('resets after local midnight, and the count survives a restart', async () => {
    clock.advance(14 * 3600_000 + 1000) // 00:00:01 on 11 March
    expect(textOf(await call())).toBe('read_thing:x')
    expect(textOf(await call())).toBe('read_thing:x')
    await core.close()
    await open(false)
    expect(textOf(await call())).toBe('read_thing:x')
    await expect(call()).rejects.toThrow(/may make 3 tool calls per day and has used 3/)
  })

  it('applies a monthly quota until the first of next month', async () => {
    const usage = await core.invoke('usage.token', { name: 'Quota App', days: 30 })
    expect(usage).toMatchObject({
      ok: true,
      data: { quota: { daily: { limit: 3, used: 3 }, monthly: { limit: null, used: 6 } } },
    })
    const updated = await core.invoke('bridge.tokens.update', {
      name: 'Quota App',
      dailyQuota: null,
      monthlyQuota: 7,
    })
    expect(updated).toMatchObject({ ok: true, data: { dailyQuota: null, monthlyQuota: 7 } })
    expect(textOf(await call())).toBe('read_thing:x')
    await expect(call()).rejects.toThrow(
      /7 tool calls per month and has used 7\. The monthly quota resets at 2026-04-01 00:00/,
    )
    clock.advance(21 * 86_400_000) // 1 April
    expect(textOf(await call())).toBe('read_thing:x')
  })
})

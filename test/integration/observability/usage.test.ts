import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { getBridge } from '../../../electron/core/bridge/feature'
import type { DashboardUsage, TokenUsage } from '../../../shared/ipc/usage'
import { makeCore, tempDir } from '../../helpers/core'
import { testToolSource } from '../../fakes/mcp/test-tools'
import { connectClient, textOf } from '../bridge/support'

const HOUR = 3_600_000

describe('usage per client token: all tokens at once, the rolling last 24 hours', () => {
  const t = tempDir('kb-usage-')
  // 22:17:30.5 local time on 10 March 2026: the calls land before a calendar day ends, inside an hour.
  const clock = new ManualClock(new Date(2026, 2, 10, 22, 17, 30, 500).getTime())
  let core: Awaited<ReturnType<typeof makeCore>>
  const tokens: Record<string, string> = {}
  let tool = ''

  const call = async (who: string) => {
    const client = await connectClient(getBridge(core.ctx).url!, tokens[who])
    try {
      return await client.callTool({ name: tool, arguments: { text: 'x' } })
    } finally {
      await client.close()
    }
  }
  const all = async () => {
    const r = await core.invoke('usage.tokens', {})
    if (!r.ok) throw new Error(r.error.message)
    return Object.fromEntries((r.data as TokenUsage[]).map((u) => [u.token, u]))
  }
  const dashboard = async () => {
    const r = await core.invoke('usage.dashboard', { days: 7 })
    if (!r.ok) throw new Error(r.error.message)
    return r.data as DashboardUsage
  }

  beforeAll(async () => {
    core = await makeCore({ dataDir: t.dir, clock, unlocked: true })
    const bridge = getBridge(core.ctx)
    bridge.registry.add(testToolSource())
    bridge.setConfig({ rateLimitPerMinute: 100_000 })
    await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
    tool = [...(await bridge.registry.tools()).keys()].find((n) => n.includes('read_thing'))!
    for (const [name, extra] of [
      ['Alpha', { dailyQuota: 3, monthlyQuota: 100 }],
      ['Beta', { scopes: ['other/*'] }],
      ['Idle', {}],
    ] as const) {
      const created = await core.invoke('bridge.tokens.create', { name, ...extra })
      if (!created.ok) throw new Error(created.error.message)
      tokens[name] = (created.data as { token: string }).token
    }
    for (let i = 0; i < 3; i++) expect(textOf(await call('Alpha'))).toBe('read_thing:x')
    await expect(call('Alpha')).rejects.toThrow(/may make 3 tool calls per day/)
    const denied = await call('Beta')
    expect(denied.isError).toBe(true)
    expect(textOf(denied)).toContain('does not cover test/read_thing')
  })
  afterAll(async () => {
    await core.close()
    t.cleanup()
  })

  it('answers every token in one call: 24 h and 7-day totals, top tools and quota use', async () => {
    const u = await all()
    expect(Object.keys(u)).toEqual(['Alpha', 'Beta', 'Idle'])
    expect(u.Alpha.last24h).toEqual({ calls: 3, ok: 3, errors: 0, denied: 0, quotaRefused: 1 })
    expect(u.Alpha.totals).toEqual(u.Alpha.last24h)
    expect(u.Alpha.days).toHaveLength(7)
    // Tools are named by their stable identity (what permissions key), as the audit rows record them.
    expect(u.Alpha.topTools).toEqual([
      { tool: 'test/read_thing', calls: 3, errors: 0, denied: 0, avgMs: expect.any(Number) },
    ])
    expect(u.Alpha.quota.daily).toEqual({ limit: 3, used: 3, resetsAt: new Date(2026, 2, 11).getTime() })
    expect(u.Alpha.quota.monthly).toEqual({ limit: 100, used: 3, resetsAt: new Date(2026, 3, 1).getTime() })
    expect(u.Beta.last24h).toEqual({ calls: 1, ok: 0, errors: 0, denied: 1, quotaRefused: 0 })
    expect(u.Beta.topTools[0]).toMatchObject({ tool: 'test/read_thing', calls: 1, denied: 1 })
    expect(u.Beta.quota.daily.limit).toBeNull()
    expect(u.Idle.last24h).toEqual({ calls: 0, ok: 0, errors: 0, denied: 0, quotaRefused: 0 })
    expect(u.Idle.topTools).toEqual([])

    // The one-token channel says the same.
    const one = await core.invoke('usage.token', { name: 'Alpha', days: 7 })
    expect(one).toMatchObject({ ok: true, data: { last24h: u.Alpha.last24h, totals: u.Alpha.totals } })
  })

  it('the dashboard hours split ok / denied / error and count quota refusals apart', async () => {
    const d = await dashboard()
    const sum = (k: 'ok' | 'denied' | 'error' | 'quotaRefused') => d.hours.reduce((n, h) => n + h[k], 0)
    expect(d.hours).toHaveLength(24)
    expect([sum('ok'), sum('denied'), sum('error'), sum('quotaRefused')]).toEqual([3, 1, 0, 1])
    expect(d.days.at(-1)).toMatchObject({ calls: 4, ok: 3, denied: 1, error: 0, quotaRefused: 1 })
    expect(d.topTokens).toEqual([
      { token: 'Alpha', calls: 3 },
      { token: 'Beta', calls: 1 },
    ])
    expect(d.last24h.topTokens).toEqual(d.topTokens)
    expect(d.last24h.topTools).toEqual([
      expect.objectContaining({ tool: 'test/read_thing', calls: 4, denied: 1 }),
    ])
  })

  it('24 h is a rolling window, not the calendar day: past midnight the calls still count, after 24 h they do not', async () => {
    clock.advance(3 * HOUR) // 01:00 on 11 March
    let u = await all()
    expect(u.Alpha.last24h.calls).toBe(3)
    expect(u.Alpha.days.at(-1)?.calls).toBe(0)
    expect(u.Alpha.quota.daily.used).toBe(0)
    expect(u.Alpha.totals.calls).toBe(3)

    clock.advance(21 * HOUR + 1) // just past 24 h after the calls
    u = await all()
    expect(u.Alpha.last24h).toEqual({ calls: 0, ok: 0, errors: 0, denied: 0, quotaRefused: 0 })
    expect(u.Beta.last24h.calls).toBe(0)
    expect(u.Alpha.totals.calls).toBe(3)
    const d = await dashboard()
    expect(d.hours.reduce((n, h) => n + h.ok + h.denied + h.error, 0)).toBe(0)
    // The 24 h top lists empty out with the window; the 7-day ones keep the calls.
    expect(d.last24h).toEqual({ topTools: [], topTokens: [] })
    expect(d.topTokens.map((x) => x.token)).toEqual(['Alpha', 'Beta'])
  })

  it('rejects a bad span with a validation error', async () => {
    const r = await core.invoke('usage.tokens', { days: 0 })
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })
})

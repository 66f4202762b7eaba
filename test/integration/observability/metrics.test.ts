import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, rawRequest, startBridge } from '../bridge/support'

const MARKER = 'argument-value-never-a-label-4f1c'

describe('GET /metrics (Prometheus text format 0.0.4, scope "metrics")', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let scraper = ''
  const scrape = async (token = scraper) =>
    rawRequest(env.port, {
      method: 'GET',
      path: '/metrics',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    })
  const families = async () => {
    const r = await scrape()
    expect(r.status).toBe(200)
    return { text: r.body, byName: new Map(parsePrometheusTextFormat(r.body).map((f) => [f.name, f])) }
  }
  const value = (f: PromFamily | undefined, labels: Record<string, string>) =>
    Number(f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0)

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'deny' })
    scraper = env.bridge.tokens.create({ name: 'Prometheus', scopes: ['metrics'] }).token
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('answers 401 with a challenge without a token, 403 without the metrics scope', async () => {
    const none = await scrape('')
    expect(none.status).toBe(401)
    expect(none.headers['www-authenticate']).toBe('Bearer realm="keybridge"')
    const bad = await scrape('kb_' + 'x'.repeat(43))
    expect(bad.status).toBe(401)
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"')
    const noScope = await scrape(env.token)
    expect(noScope.status).toBe(403)
    expect(noScope.headers['www-authenticate']).toContain('error="insufficient_scope", scope="metrics"')
    expect(noScope.body).toContain('does not have the \\"metrics\\" scope')
  })

  it('exposes counters and histograms whose values move with calls, labels without arguments', async () => {
    const ok = await scrape()
    expect(ok.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    const before = await families()
    const tools = [...(await env.bridge.registry.tools()).keys()]
    const read = tools.find((n) => n.includes('read_thing'))!
    const exec = tools.find((n) => n.includes('exec_thing'))!
    await env.core.invoke('bridge.tools.set', { tool: exec, level: 'execute', ask: true })
    const client = await connectClient(env.url, env.token)
    for (let i = 0; i < 5; i++) await client.callTool({ name: read, arguments: { text: MARKER } })
    await client.callTool({ name: exec, arguments: { text: MARKER } }) // ask + headless: denied
    await client.callTool({ name: 'no_such_tool', arguments: { text: MARKER } }).catch(() => {})
    await client.close()

    const after = await families()
    const calls = after.byName.get('keybridge_tool_calls_total')
    expect(calls?.type).toBe('COUNTER')
    const okLabels = { tool: read, source: 'test', token: 'Test App', outcome: 'ok' }
    expect(value(calls, okLabels) - value(before.byName.get('keybridge_tool_calls_total'), okLabels)).toBe(5)
    expect(value(calls, { tool: exec, outcome: 'denied' })).toBe(1)

    const denied = after.byName.get('keybridge_tool_calls_denied_total')
    expect(denied?.type).toBe('COUNTER')
    expect(value(denied, { tool: exec, token: 'Test App', reason: 'headless' })).toBe(1)
    // An unknown name is the client's free text: it never becomes a label.
    expect(value(denied, { tool: '(unknown)', reason: 'unknown_tool' })).toBe(1)
    expect(after.text).not.toContain('no_such_tool')

    const latency = after.byName.get('keybridge_tool_call_duration_seconds')
    expect(latency?.type).toBe('HISTOGRAM')
    expect(latency?.metrics[0].buckets?.['+Inf']).toBeDefined()
    // The parser folds a labelled histogram's series into one; the per-label count is read from its line.
    expect(after.text).toMatch(
      /^keybridge_tool_call_duration_seconds_count\{source="test",outcome="ok"\} 5$/m,
    )
    expect(after.text).toMatch(
      /^keybridge_tool_call_duration_seconds_bucket\{le="\+Inf",source="test",outcome="ok"\} 5$/m,
    )

    expect(after.byName.get('keybridge_sessions')?.type).toBe('GAUGE')
    expect(after.byName.get('keybridge_auth_failures_total')?.metrics.length).toBeGreaterThan(0)
    expect(after.byName.get('process_resident_memory_bytes')?.type).toBe('GAUGE')
    expect(Number(after.byName.get('process_resident_memory_bytes')?.metrics[0].value)).toBeGreaterThan(0)
    expect(after.byName.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE')
    for (const name of [
      'keybridge_rate_limited_total',
      'keybridge_quota_refused_total',
      'keybridge_approvals_total',
      'keybridge_upstream_restarts_total',
      'keybridge_upstream_state',
    ])
      expect(after.text).toContain(`# TYPE ${name} `)
    expect(after.text).not.toContain(MARKER)
    expect(after.text).not.toContain(env.token)
  })

  it('counts rate-limited and quota-refused requests', async () => {
    const limited = env.bridge.tokens.create({ name: 'Tiny', scopes: [], dailyQuota: 1 }).token
    const tool = [...(await env.bridge.registry.tools()).keys()].find((n) => n.includes('read_thing'))!
    const client = await connectClient(env.url, limited)
    await client.callTool({ name: tool, arguments: {} })
    await expect(client.callTool({ name: tool, arguments: {} })).rejects.toThrow(/Quota reached/)
    await client.close()
    env.bridge.setConfig({ rateLimitPerMinute: 1 })
    await connectClient(env.url, limited).catch(() => {})
    await connectClient(env.url, limited).catch(() => {})
    env.bridge.setConfig({ rateLimitPerMinute: 100_000 })
    const after = await families()
    expect(value(after.byName.get('keybridge_quota_refused_total'), { token: 'Tiny', quota: 'daily' })).toBe(
      1,
    )
    expect(value(after.byName.get('keybridge_rate_limited_total'), { token: 'Tiny' })).toBeGreaterThanOrEqual(
      1,
    )
  })
})

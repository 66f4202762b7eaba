import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, startBridge, textOf } from './support'

describe('bridge with the SDK Streamable HTTP client', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  beforeAll(async () => {
    env = await startBridge()
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('lists the tools the token may call and calls a read-only one', async () => {
    const client = await connectClient(env.url, env.token)
    const { tools } = await client.listTools()
    const names = tools.map((t) => t.name)
    expect(names).toContain('test_read_thing')
    // Defaults: write/execute tools are allowed with "ask", so they are listed too.
    expect(names).toContain('test_write_thing')
    expect(tools.find((t) => t.name === 'test_read_thing')?.annotations?.readOnlyHint).toBe(true)
    const r = await client.callTool({ name: 'test_read_thing', arguments: { text: 'hi' } })
    expect(r.isError).toBeFalsy()
    expect(textOf(r)).toBe('read_thing:hi')
    await client.close()
  })

  it('audits the call with the client name and counts the token use', async () => {
    const client = await connectClient(env.url, env.token)
    await client.callTool({ name: 'test_read_thing', arguments: { text: 'audited' } })
    await client.close()
    await env.bridge.stop()
    const rows = env.core.ctx.db
      .prepare("SELECT actor, actor_name, target, outcome, detail FROM audit_log WHERE action = 'tool_call'")
      .all() as { actor: string; actor_name: string; target: string; outcome: string; detail: string }[]
    expect(
      rows.some((r) => r.actor_name === 'Test App' && r.target === 'test/read_thing' && r.outcome === 'ok'),
    ).toBe(true)
    const t = env.bridge.tokens.byName('Test App')
    expect(t.useCount).toBeGreaterThan(0)
    expect(t.lastUsedAt).not.toBeNull()
  })
})

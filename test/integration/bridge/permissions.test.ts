import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import type { ApprovalRequest } from '../../../shared/ipc/bridge'
import { addCredential, connectClient, startBridge, textOf } from './support'

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('bridge permissions, scopes and approvals', () => {
  const clock = new ManualClock()
  let env: Awaited<ReturnType<typeof startBridge>>
  const approvals: ApprovalRequest[] = []
  const activity: { tool: string; outcome: string; why?: string }[] = []
  const notified: string[] = []

  beforeAll(async () => {
    env = await startBridge({ clock, notify: (n) => notified.push(n.body) })
    env.core.ctx.events.subscribe((name, payload) => {
      if (name === 'bridge.approvalRequested') approvals.push(payload as ApprovalRequest)
      if (name === 'bridge.activity') activity.push(payload as { tool: string; outcome: string })
    })
  })
  afterAll(async () => {
    await env.dispose()
  })
  /** Restarts on a fresh port: pooled keep-alive sockets to the old one are dead. */
  async function restart(approvalMode: 'ask' | 'deny' | 'approve_all') {
    await env.bridge.stop()
    await env.bridge.start({ host: '127.0.0.1', port: 0, approvalMode })
    env.url = env.bridge.url!
  }

  it('lists tools with required levels and defaults from annotations', async () => {
    const res = await env.core.invoke('bridge.tools.list', undefined)
    expect(res.ok).toBe(true)
    const tools = (
      res as { data: { name: string; requiredLevel: string; level: string; ask: boolean; source: string }[] }
    ).data
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]))
    expect(byName['test_read_thing']).toMatchObject({
      requiredLevel: 'read',
      level: 'read',
      ask: false,
      source: 'test',
    })
    expect(byName['test_write_thing']).toMatchObject({ requiredLevel: 'write', level: 'write', ask: true })
    // No annotations: destructiveHint defaults to true → execute.
    expect(byName['test_exec_thing']).toMatchObject({ requiredLevel: 'execute', level: 'execute', ask: true })
  })

  it('hides a tool that is off or under-levelled, and denies calling it with a reason', async () => {
    const client = await connectClient(env.url, env.token)
    await env.core.invoke('bridge.tools.set', { tool: 'test_write_thing', level: 'read' })
    await env.core.invoke('bridge.tools.set', { tool: 'test_exec_thing', level: 'off' })
    const names = (await client.listTools()).tools.map((t) => t.name)
    expect(names).toContain('test_read_thing')
    expect(names).not.toContain('test_write_thing')
    expect(names).not.toContain('test_exec_thing')
    const w = await client.callTool({ name: 'test_write_thing', arguments: {} })
    expect(w.isError).toBe(true)
    expect(textOf(w)).toContain('needs write permission')
    const x = await client.callTool({ name: 'test_exec_thing', arguments: {} })
    expect(textOf(x)).toContain('turned off')
    // The reason travels as a code with its parameters too: in the audit row and the live activity.
    const levelRow = () =>
      (
        env.core.ctx.db
          .prepare("SELECT detail FROM audit_log WHERE action = 'tool_call' AND outcome = 'denied'")
          .all() as { detail: string }[]
      )
        .map((r) => JSON.parse(r.detail) as Record<string, unknown>)
        .find((d) => d['why'] === 'level')
    // Audit rows are written in batches: wait for this one.
    await expect.poll(levelRow).toMatchObject({
      why: 'level',
      whyParams: { tool: 'test_write_thing', required: 'write', granted: 'read' },
      reason: expect.stringContaining('needs write permission'),
    })
    expect(activity.at(-1)).toMatchObject({
      tool: 'test_exec_thing',
      why: 'off',
      whyParams: { tool: 'test_exec_thing' },
    })
    await expect(client.callTool({ name: 'nope.nothing', arguments: {} })).rejects.toThrow(/Unknown tool/)
    expect(env.tools.calls.filter((c) => c.tool !== 'read_thing')).toEqual([])
    await client.close()
  })

  it('narrows a token to its scope patterns', async () => {
    await env.core.invoke('bridge.tools.set', { tool: 'test_write_thing', level: 'write', ask: false })
    const created = await env.core.invoke('bridge.tokens.create', { name: 'Scoped', scopes: ['test.read_*'] })
    const token = (created as { data: { token: string } }).data.token
    const client = await connectClient(env.url, token)
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['test_read_thing'])
    const r = await client.callTool({ name: 'test_write_thing', arguments: {} })
    expect(r.isError).toBe(true)
    expect(textOf(r)).toContain('limited to test.read_*')
    await client.close()
    const rows = env.core.ctx.db
      .prepare("SELECT outcome FROM audit_log WHERE action = 'tool_call' AND actor_name = 'Scoped'")
      .all() as { outcome: string }[]
    await restart('ask')
    const after = env.core.ctx.db
      .prepare("SELECT outcome FROM audit_log WHERE action = 'tool_call' AND actor_name = 'Scoped'")
      .all() as { outcome: string }[]
    expect(rows.length + after.length).toBeGreaterThan(0)
    expect(after.map((r) => r.outcome)).toContain('denied')
  })

  it('asks for approval: allow once runs the call; the prompt shows every value but stored secrets', async () => {
    await env.core.invoke('bridge.tools.set', { tool: 'test_write_thing', level: 'write', ask: true })
    addCredential(env.core, 'github', 'approval-test', { token: 'ghp_StoredSecretForThePrompt1' })
    const client = await connectClient(env.url, env.token)
    approvals.length = 0
    const pending = client.callTool({
      name: 'test_write_thing',
      arguments: { text: 'go', password: 'hunter2hunter2', note: 'use ghp_StoredSecretForThePrompt1' },
    })
    await until(() => approvals.length === 1)
    expect(approvals[0]).toMatchObject({
      client: 'Test App',
      // Approvals are keyed by the tool's identity, not by the name clients see.
      tool: 'test/write_thing',
      requiredLevel: 'write',
    })
    // The key is the client's choice: its value is shown. A stored secret is not, whatever its key.
    expect(approvals[0].arguments).toEqual({
      text: 'go',
      password: 'hunter2hunter2',
      note: 'use [redacted]',
    })
    expect(notified.at(-1)).toContain('Test App wants to use test/write_thing')
    const listed = await env.core.invoke('bridge.approvals.pending', undefined)
    expect((listed as { data: unknown[] }).data).toHaveLength(1)
    expect(
      (await env.core.invoke('bridge.approve', { id: approvals[0].id, decision: 'allow_once' })).ok,
    ).toBe(true)
    const r = await pending
    expect(r.isError).toBeFalsy()
    expect(textOf(r)).toBe('write_thing:go')
    await client.close()
  })

  it('asks for approval: deny refuses the call', async () => {
    const client = await connectClient(env.url, env.token)
    approvals.length = 0
    const pending = client.callTool({ name: 'test_write_thing', arguments: { text: 'no' } })
    await until(() => approvals.length === 1)
    await env.core.invoke('bridge.approve', { id: approvals[0].id, decision: 'deny' })
    const r = await pending
    expect(r.isError).toBe(true)
    expect(textOf(r)).toContain('the user denied it')
    await client.close()
  })

  it('asks for approval: no answer within the timeout denies it', async () => {
    await env.core.invoke('bridge.config.set', { approvalTimeoutSeconds: 60 })
    const client = await connectClient(env.url, env.token)
    approvals.length = 0
    const pending = client.callTool({ name: 'test_write_thing', arguments: { text: 'late' } })
    await until(() => approvals.length === 1)
    clock.advance(60_000)
    const r = await pending
    expect(r.isError).toBe(true)
    expect(textOf(r)).toContain('within 60 seconds')
    expect(activity.at(-1)).toMatchObject({
      tool: 'test_write_thing',
      outcome: 'denied',
      why: 'approval_timeout',
      whyParams: { seconds: 60 },
    })
    await client.close()
  })

  it('"always allow" stores the choice, so the next call does not ask', async () => {
    const client = await connectClient(env.url, env.token)
    approvals.length = 0
    const pending = client.callTool({ name: 'test_write_thing', arguments: { text: 'a' } })
    await until(() => approvals.length === 1)
    await env.core.invoke('bridge.approve', { id: approvals[0].id, decision: 'always_allow' })
    expect((await pending).isError).toBeFalsy()
    const again = await client.callTool({ name: 'test_write_thing', arguments: { text: 'b' } })
    expect(textOf(again)).toBe('write_thing:b')
    expect(approvals).toHaveLength(1)
    await client.close()
  })

  it('headless without --approve-all denies "ask" tools; with it they run', async () => {
    await env.core.invoke('bridge.tools.set', { tool: 'test_write_thing', level: 'write', ask: true })
    await restart('deny')
    let client = await connectClient(env.url, env.token)
    const r = await client.callTool({ name: 'test_write_thing', arguments: {} })
    expect(textOf(r)).toContain('without --approve-all')
    await client.close()
    await restart('approve_all')
    client = await connectClient(env.url, env.token)
    expect(textOf(await client.callTool({ name: 'test_write_thing', arguments: { text: 'y' } }))).toBe(
      'write_thing:y',
    )
    await client.close()
  })

  it('tells connected clients when their tool list changes', async () => {
    const client = await connectClient(env.url, env.token)
    let changed = 0
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changed++
    })
    // Give the client a moment to open its GET stream.
    await new Promise((r) => setTimeout(r, 100))
    await env.core.invoke('bridge.tools.setBulk', { source: 'test', level: 'off' })
    await until(() => changed > 0)
    expect((await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith('test.'))).toEqual(
      [],
    )
    await client.close()
    await restart('ask')
  })
})

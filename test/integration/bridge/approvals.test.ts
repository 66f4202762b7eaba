import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ManualClock } from '../../../electron/core/clock'
import type { ApprovalRequest } from '../../../shared/ipc/bridge'
import { testToolSource } from '../../fakes/mcp/test-tools'
import { connectClient, startBridge, textOf, waitFor } from './support'

/** Approvals through the core approval service, with real MCP clients holding two tokens. */
/** A test tool's exposed name, however the bridge spells names (`test.read_thing` or `test_read_thing`). */
let N: Record<string, string> = {}

describe('approval prompts: scoped "always allow", bounded queues, coalesced notifications', () => {
  const clock = new ManualClock()
  let env: Awaited<ReturnType<typeof startBridge>>
  let a: Client
  let b: Client
  const prompts: ApprovalRequest[] = []
  const notified: { title: string; body: string }[] = []
  const more = testToolSource('more')
  let otherId = ''

  beforeAll(async () => {
    env = await startBridge({ clock, notify: (n) => notified.push(n) })
    env.bridge.registry.add(more)
    const exposed = [...(await env.bridge.registry.tools()).keys()]
    N = Object.fromEntries(
      ['more.exec_thing', 'more.write_thing', 'test.exec_thing', 'test.write_thing'].map((n) => [
        n,
        exposed.find((e) => e === n || e === n.replace('.', '_'))!,
      ]),
    )
    env.core.ctx.events.subscribe((name, payload) => {
      if (name === 'bridge.approvalRequested') prompts.push(payload as ApprovalRequest)
    })
    const other = env.bridge.tokens.create({ name: 'Other App', scopes: [] })
    otherId = other.summary.id
    a = await connectClient(env.url, env.token)
    b = await connectClient(env.url, other.token)
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await env.dispose()
  })
  const pending = () => env.bridge.approvals.list()
  const answer = (tool: string, client: string, decision: 'allow_once' | 'always_allow' | 'deny') =>
    env.core.invoke('bridge.approve', {
      // Prompts name the tool's identity (`test/write_thing`), whatever name the client called.
      id: pending().find((p) => p.tool === tool.replace(/^(more|test)_/, '$1/') && p.client === client)!.id,
      decision,
    })

  it('one prompt per client and tool, at most 3 per client; the excess is denied at once, saying why', async () => {
    const first = a.callTool({ name: N['test.write_thing'], arguments: { text: 'one' } })
    await waitFor(() => pending().length === 1)
    const dup = await a.callTool({ name: N['test.write_thing'], arguments: { text: 'two' } })
    expect(dup.isError).toBe(true)
    expect(textOf(dup)).toContain('already waiting')

    const second = a.callTool({ name: N['test.exec_thing'], arguments: {} })
    const third = a.callTool({ name: N['more.write_thing'], arguments: {} })
    await waitFor(() => pending().length === 3)
    const over = await a.callTool({ name: N['more.exec_thing'], arguments: {} })
    expect(textOf(over)).toContain('already has 3 calls waiting')
    expect(pending()).toHaveLength(3)

    // The bound is per client: another token still gets its prompt.
    const fromB = b.callTool({ name: N['test.write_thing'], arguments: { text: 'b' } })
    await waitFor(() => pending().length === 4)

    // Four prompts, two notifications: the first at once, the rest summed up when the window ends.
    expect(notified).toHaveLength(1)
    // Keyed by identity: the notification names the tool as the Tools screen does.
    expect(notified[0].body).toBe('Test App wants to use test/write_thing.')
    clock.advance(10_000)
    expect(notified).toHaveLength(2)
    expect(notified[1].body).toMatch(/^3 more tool calls wait for your approval \(Test App, Other App\)/)

    await answer(N['test.exec_thing'], 'Test App', 'deny')
    await answer(N['more.write_thing'], 'Test App', 'deny')
    await Promise.all([second, third])

    // "Always allow" from Test App's prompt: Test App's next call of that tool runs without asking...
    await answer(N['test.write_thing'], 'Test App', 'always_allow')
    expect(textOf(await first)).toBe('write_thing:one')
    expect(textOf(await a.callTool({ name: N['test.write_thing'], arguments: { text: 'again' } }))).toBe(
      'write_thing:again',
    )
    // ...other tools still ask, and so does the same tool for another client.
    expect(pending().map((p) => `${p.client}: ${p.tool}`)).toEqual([`Other App: test/write_thing`])
    await answer(N['test.write_thing'], 'Other App', 'deny')
    expect(textOf(await fromB)).toContain('denied')
    // A grant written into the vault file by something other than Keybridge has no valid MAC: ignored.
    env.core.ctx.db
      .prepare('INSERT INTO bridge_approval_grants (id, token_id, tool, created_at) VALUES (?, ?, ?, 0)')
      .run(`${otherId} test/write_thing`, otherId, 'test/write_thing')
    const before = prompts.length
    const againB = b.callTool({ name: N['test.write_thing'], arguments: { text: 'b2' } })
    await waitFor(() => prompts.length === before + 1)
    await answer(N['test.write_thing'], 'Other App', 'allow_once')
    expect(textOf(await againB)).toBe('write_thing:b2')
    const stored = env.bridge.permissions.get(N['test.write_thing'], 'write')
    expect(stored).toMatchObject({ ask: true })

    // Setting the tool to "ask" again asks every client again.
    await env.core.invoke('bridge.tools.set', { tool: N['test.write_thing'], level: 'write', ask: true })
    const reasked = a.callTool({ name: N['test.write_thing'], arguments: {} })
    await waitFor(() => pending().length === 1)
    await answer(N['test.write_thing'], 'Test App', 'deny')
    expect((await reasked).isError).toBe(true)
  }, 60_000)
})

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { ApprovalRequest, ToolInfo, UpstreamSummary } from '../../../shared/ipc/bridge'
import { connectClient, startBridge, textOf, waitFor } from './support'

const LIAR = join(__dirname, '../../fakes/mcp/lying-server.ts')

/** An upstream server's annotations are its claims: its tools ask until the user trusts them. */
describe('upstream tools start at "ask" whatever their annotations', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let client: Client
  const approvals: ApprovalRequest[] = []
  const tool = async (suffix: string) =>
    waitFor(
      async () =>
        [...(await env.bridge.registry.tools()).keys()].find((n) =>
          new RegExp(`^liar[._]${suffix}$`).test(n),
        ),
      20_000,
      `liar ${suffix}`,
    )
  /** Calls a tool; when a prompt shows up, answers it. Returns the result and whether it asked. */
  async function callAnswering(name: string, decision: 'allow_once' | 'deny' | null) {
    const before = approvals.length
    const pending = client.callTool({ name, arguments: {} })
    const asked = await Promise.race([
      waitFor(() => approvals.length > before, 5_000, 'a prompt').then(() => true),
      pending.then(() => false),
    ])
    if (asked && decision) await env.core.invoke('bridge.approve', { id: approvals.at(-1)!.id, decision })
    return { result: await pending, asked }
  }

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'ask' })
    env.core.ctx.events.subscribe((name, payload) => {
      if (name === 'bridge.approvalRequested') approvals.push(payload as ApprovalRequest)
    })
    const added = await env.core.invoke('bridge.upstream.add', {
      name: 'liar',
      command: process.execPath,
      args: ['--import', 'tsx', LIAR],
      env: {},
    })
    expect(added.ok).toBe(true)
    expect((added as { data: UpstreamSummary }).data.trustHints).toBe(false)
    client = await connectClient(env.url, env.token)
  }, 30_000)
  afterAll(async () => {
    await client.close()
    await env.dispose()
  })

  it('a tool claiming readOnlyHint asks (desktop), as does one added later by list_changed, until trusted', async () => {
    const peek = await tool('peek')
    const infos = ((await env.core.invoke('bridge.tools.list', undefined)) as { data: ToolInfo[] }).data
    expect(infos.find((t) => t.name === peek)).toMatchObject({
      requiredLevel: 'read',
      ask: true,
      isDefault: true,
    })

    const denied = await callAnswering(peek, 'deny')
    expect(denied.asked).toBe(true)
    expect(denied.result.isError).toBe(true)
    expect(textOf(denied.result)).toContain('the user denied it')

    // grow adds late_peek (also "read-only") through list_changed: it asks too.
    expect((await callAnswering(await tool('grow'), 'allow_once')).asked).toBe(true)
    const late = await tool('late_peek')
    const lateCall = await callAnswering(late, 'allow_once')
    expect(lateCall.asked).toBe(true)
    expect(textOf(lateCall.result)).toContain('late_peek ran')

    // One step trusts the server's hints: its read-only tools run unprompted, audited.
    const trusted = await env.core.invoke('bridge.upstream.trust', { name: 'liar', trusted: true })
    expect((trusted as { data: UpstreamSummary }).data.trustHints).toBe(true)
    for (const name of [peek, late]) {
      const r = await callAnswering(name, null)
      expect(r.asked, name).toBe(false)
      expect(r.result.isError).toBeFalsy()
    }
    const audit = env.core.ctx.db
      .prepare("SELECT action, target, actor FROM audit_log WHERE action LIKE 'upstream_hints_%' ORDER BY id")
      .all()
    expect(audit).toEqual([{ action: 'upstream_hints_trusted', target: 'upstream:liar', actor: 'ui' }])

    // Reversible: untrusted, they ask again.
    await env.core.invoke('bridge.upstream.trust', { name: 'liar', trusted: false })
    expect((await callAnswering(peek, 'deny')).asked).toBe(true)
  }, 60_000)

  it('headless without an approver, an untrusted upstream tool is denied with what to do', async () => {
    await env.bridge.stop()
    await env.bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
    await client.close()
    client = await connectClient(env.bridge.url!, env.token)
    const peek = await tool('peek')
    await waitFor(async () => (await env.bridge.upstreams.status('liar')).state === 'running', 20_000)
    const r = await client.callTool({ name: peek, arguments: {} })
    expect(r.isError).toBe(true)
    expect(textOf(r)).toContain('keybridge upstream trust liar')
    env.bridge.trustUpstream('liar', true, 'cli')
    const ok = await client.callTool({ name: peek, arguments: {} })
    expect(ok.isError).toBeFalsy()
    expect(textOf(ok)).toContain('peek ran')
  }, 60_000)
})

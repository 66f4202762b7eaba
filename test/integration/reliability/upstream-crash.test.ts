import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterEach, describe, expect, it } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { makeCore } from '../../helpers/core'

const SLOW = join(__dirname, 'support/slow-upstream.ts')

const open: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close().catch(() => {})
})

async function until<T>(what: string, fn: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('an upstream MCP server killed mid-call', () => {
  it('fails the call in flight with a clear MCP error, keeps the bridge up, and restarts the server', async () => {
    const core = await makeCore({ unlocked: true })
    open.push(() => core.dispose())
    const added = await core.invoke('bridge.upstream.add', {
      name: 'slow',
      command: process.execPath,
      args: ['--import', 'tsx', SLOW],
    })
    expect(added.ok).toBe(true)
    const bridge = getBridge(core.ctx)
    // Short backoff so the restart is quick; the breaker logic is the real one.
    bridge.upstreams.policy = { ...bridge.upstreams.policy, baseBackoffMs: 100 }
    const status = await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'approve_all' })
    open.push(() => bridge.stop())
    const token = await core.invoke('bridge.tokens.create', { name: 'fault test' })
    expect(token.ok).toBe(true)

    const client = new Client({ name: 'fault-test', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(status.url!), {
        requestInit: {
          headers: { Authorization: `Bearer ${(token as { data: { token: string } }).data.token}` },
        },
      }),
    )
    open.push(() => client.close())
    await until('the upstream tools', async () =>
      (await client.listTools()).tools.some((t) => t.name === 'slow_wait'),
    )
    const first = await core.invoke('bridge.upstream.status', { name: 'slow' })
    const pid = (first as { data: { pid: number | null } }).data.pid
    expect(pid).toBeGreaterThan(0)

    // Kill it while a call is in flight.
    const t0 = performance.now()
    const inFlight = client.callTool({ name: 'slow_wait', arguments: { ms: 10_000 } }).then(
      (r) => ({ result: r, error: null as Error | null }),
      (e: Error) => ({ result: null, error: e }),
    )
    await new Promise((r) => setTimeout(r, 300))
    process.kill(pid!, 'SIGKILL')
    const outcome = await inFlight
    expect(performance.now() - t0).toBeLessThan(5_000)
    // Either an MCP tool error or a JSON-RPC error: in both cases a sentence, not a hang or a crash.
    const text = outcome.error
      ? outcome.error.message
      : (outcome.result as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join(' ')
    if (outcome.result) expect((outcome.result as { isError?: boolean }).isError).toBe(true)
    expect(text).toMatch(/upstream server "slow" stopped during the call/)

    // The bridge itself still answers (the dead server's tools are simply gone from the list), and the
    // upstream comes back under a new pid with its tools.
    expect(Array.isArray((await client.listTools()).tools)).toBe(true)
    const back = await until('the restart', async () => {
      const s = await core.invoke('bridge.upstream.status', { name: 'slow' })
      const d = (s as { data: { state: string; pid: number | null; restarts: number } }).data
      return d.state === 'running' && d.pid !== pid ? d : null
    })
    expect(back.restarts).toBeGreaterThanOrEqual(1)
    const again = await client.callTool({ name: 'slow_echo', arguments: { text: 'after' } })
    expect(again.isError).toBeFalsy()
    expect(JSON.stringify(again.content)).toContain('after')
  }, 60_000)
})

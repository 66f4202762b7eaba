import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { TEST_KDF, TEST_PASSWORD } from '../../helpers/core'
import { connectClient, FULL_FIXTURE, startBridge, textOf, waitFor } from './support'

describe('bridge state: long calls, per-client processes, tool lists that follow changes', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const io: CliIO = { out: () => {}, err: () => {}, promptSecret: async () => undefined, isTTY: false }
  const cli = (...argv: string[]) =>
    runCli([...argv, '--data-dir', env.core.dataDir], {
      io,
      env: { KEYBRIDGE_PASSWORD: TEST_PASSWORD },
      kdf: TEST_KDF,
    })
  const running = (name: string) =>
    waitFor(
      async () =>
        ((await env.core.invoke('bridge.upstream.status', { name })) as { data: UpstreamSummary }).data
          .state === 'running' || undefined,
    )

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
    // Short idle timeout, so the test shows that progress (not a fixed cap) keeps a call alive.
    env.bridge.upstreams.policy = { ...env.bridge.upstreams.policy, callTimeoutMs: 400 }
    await env.core.invoke('bridge.upstream.add', {
      name: 'shared',
      command: process.execPath,
      args: ['--import', 'tsx', FULL_FIXTURE],
      maxCallSeconds: 2,
    })
    await env.core.invoke('bridge.upstream.add', {
      name: 'mine',
      command: process.execPath,
      args: ['--import', 'tsx', FULL_FIXTURE],
      perSession: true,
    })
    await Promise.all([running('shared'), running('mine')])
  }, 60_000)
  afterAll(async () => {
    await env.dispose()
  })

  it('a call stays alive while the upstream reports progress, up to the upstream maximum', async () => {
    const client = await connectClient(env.url, env.token)
    try {
      // 6 × 150 ms = 900 ms, over the 400 ms idle timeout: progress resets it.
      const long = await client.callTool({ name: 'shared_long', arguments: { steps: 6, delayMs: 150 } })
      expect(long.isError).toBeFalsy()
      expect(textOf(long)).toBe('done 6')
      // Silence past the idle timeout ends the call.
      const silent = await client.callTool({ name: 'shared_wait', arguments: {} })
      expect(silent.isError).toBe(true)
      expect(textOf(silent)).toMatch(/timed out/i)
      // Progress or not, the upstream's maximum (2 s) ends it.
      const endless = await client.callTool({ name: 'shared_long', arguments: { steps: 30, delayMs: 150 } })
      expect(endless.isError).toBe(true)
      expect(textOf(endless)).toMatch(/timed out|maximum/i)
    } finally {
      await client.close()
    }
  }, 30_000)

  it('an upstream marked "one process per client" runs one child per session, stopped with it', async () => {
    const a = await connectClient(env.url, env.token, 'a')
    const b = await connectClient(env.url, env.token, 'b')
    const pid = async (c: typeof a, tool = 'mine_pid') =>
      Number(textOf(await c.callTool({ name: tool, arguments: {} })))
    const pa = await pid(a)
    const pb = await pid(b)
    expect(pa).not.toBe(pb)
    expect(await pid(a)).toBe(pa)
    // The shared one is one process for everyone.
    expect(await pid(a, 'shared_pid')).toBe(await pid(b, 'shared_pid'))
    // The client ends its session (DELETE), as a well-behaved client does.
    await (a.transport as StreamableHTTPClientTransport).terminateSession()
    await a.close()
    await waitFor(
      () => {
        try {
          process.kill(pa, 0)
          return undefined
        } catch {
          return true
        }
      },
      10_000,
      "the closed session's child stops",
    )
    expect(() => process.kill(pb, 0)).not.toThrow()
    await b.close()
  }, 30_000)

  it('tells connected sessions their tool list changed when another process changes a permission', async () => {
    const client = await connectClient(env.url, env.token)
    let changed = 0
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++
    })
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('shared_add')
      // `keybridge tool set` in its own core, with its own SQLite connection.
      expect(await cli('tool', 'set', 'shared/add', 'off')).toBe(0)
      await waitFor(() => changed > 0 || undefined, 5000, 'tools/list_changed')
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('shared_add')
      // An upstream's resources, prompts or sampling are set the same way, from any process.
      expect(await cli('tool', 'set', 'shared/:prompts', 'off')).toBe(0)
      await waitFor(() => (changed > 1 ? true : undefined), 5000, 'second tools/list_changed')
      const prompts = (await client.listPrompts()).prompts.map((p) => p.name)
      expect(prompts).toContain('mine_greet')
      expect(prompts.filter((n) => n.startsWith('shared_'))).toEqual([])
      expect(await cli('tool', 'set', 'nobody/:prompts', 'off')).toBe(1)
    } finally {
      await client.close()
    }
  }, 30_000)
})

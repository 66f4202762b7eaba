import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import {
  addCredential,
  connectClient,
  EVERYTHING,
  reporterCommand,
  startBridge,
  textOf,
  waitFor,
} from './support'

const GITHUB_TOKEN = 'ghp_' + 'S3cr3tUpstreamValue'.repeat(2)
const LITERAL = 'literal-secret-0123456789'

describe('upstream stdio MCP servers', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const status = async (name: string) =>
    ((await env.core.invoke('bridge.upstream.status', { name })) as { data: UpstreamSummary }).data

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
    env.bridge.upstreams.policy = {
      ...env.bridge.upstreams.policy,
      baseBackoffMs: 50,
      maxFailures: 3,
      windowMs: 30_000,
    }
    addCredential(env.core, 'github', 'personal', { token: GITHUB_TOKEN })
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('starts a server with a vault secret injected into its environment only', async () => {
    const { command, args } = reporterCommand()
    const added = await env.core.invoke('bridge.upstream.add', {
      name: 'reporter',
      command,
      args,
      env: { GH_TOKEN: '{{credential:github/personal.token}}', PLAIN: LITERAL },
    })
    expect(added.ok).toBe(true)
    const s = (added as { data: UpstreamSummary }).data
    expect(s.env).toEqual([
      { key: 'GH_TOKEN', kind: 'reference', reference: '{{credential:github/personal.token}}' },
      { key: 'PLAIN', kind: 'literal', reference: null },
    ])
    await waitFor(async () => (await status('reporter')).state === 'running' || undefined)
    const client = await connectClient(env.url, env.token)
    const tools = (await client.listTools()).tools
    const report = tools.find((t) => t.name === 'reporter_report_env')
    expect(report?.annotations?.readOnlyHint).toBe(true)
    const r = await client.callTool({ name: 'reporter_report_env', arguments: { name: 'GH_TOKEN' } })
    const got = JSON.parse(textOf(r)) as { present: boolean; sha256: string }
    expect(got.present).toBe(true)
    expect(got.sha256).toBe(createHash('sha256').update(GITHUB_TOKEN).digest('hex'))
    const plain = JSON.parse(
      textOf(await client.callTool({ name: 'reporter_report_env', arguments: { name: 'PLAIN' } })),
    )
    expect(plain.length).toBe(LITERAL.length)
    await client.close()

    // Never in the clear on disk (database, WAL) nor in any IPC output.
    env.core.ctx.db.pragma('wal_checkpoint(PASSIVE)')
    for (const f of readdirSync(env.core.dataDir)) {
      const bytes = readFileSync(join(env.core.dataDir, f))
      expect(bytes.includes(GITHUB_TOKEN), f).toBe(false)
      expect(bytes.includes(LITERAL), f).toBe(false)
    }
    const listed = JSON.stringify(await env.core.invoke('bridge.upstream.list', undefined))
    expect(listed).not.toContain(LITERAL)
    // The credential use is audited as the upstream's.
    const used = env.core.ctx.db
      .prepare("SELECT actor_name FROM audit_log WHERE action = 'used' AND target = 'github/personal'")
      .all() as { actor_name: string }[]
    expect(used.map((u) => u.actor_name)).toContain('upstream:reporter')
  })

  it('re-exports server-everything and redacts secrets from upstream results', async () => {
    const added = await env.core.invoke('bridge.upstream.add', {
      name: 'everything',
      command: process.execPath,
      args: [EVERYTHING, 'stdio'],
      env: { INJECTED: '{{credential:github/personal.token}}' },
    })
    expect(added.ok).toBe(true)
    await waitFor(async () => (await status('everything')).state === 'running' || undefined)
    const client = await connectClient(env.url, env.token)
    const names = (await client.listTools()).tools.map((t) => t.name)
    expect(names).toContain('everything_echo')
    expect(names).toContain('everything_get_sum')
    expect(
      textOf(await client.callTool({ name: 'everything_echo', arguments: { message: 'hello' } })),
    ).toContain('hello')
    const sum = await client.callTool({ name: 'everything_get_sum', arguments: { a: 2, b: 3 } })
    expect(textOf(sum)).toContain('5')
    // get-env dumps the whole environment: the bridge must not let the secret through.
    const dump = textOf(await client.callTool({ name: 'everything_get_env', arguments: {} }))
    expect(dump).toContain('INJECTED')
    expect(dump).not.toContain(GITHUB_TOKEN)
    expect(dump).toContain('[redacted]')
    await client.close()
  })

  it('restarts a crashed server with backoff', async () => {
    const before = await status('reporter')
    const client = await connectClient(env.url, env.token)
    await client.callTool({ name: 'reporter_crash', arguments: {} })
    const after = await waitFor(async () => {
      const s = await status('reporter')
      return s.state === 'running' && s.pid !== before.pid ? s : undefined
    })
    expect(after.restarts).toBeGreaterThanOrEqual(1)
    const r = await client.callTool({ name: 'reporter_report_env', arguments: { name: 'GH_TOKEN' } })
    expect(JSON.parse(textOf(r)).present).toBe(true)
    await client.close()
  })

  it('opens the circuit on a server that keeps dying, and a manual restart retries', async () => {
    await env.core.invoke('bridge.upstream.add', {
      name: 'broken',
      command: process.execPath,
      args: ['-e', 'process.exit(1)'],
    })
    const s = await waitFor(async () => {
      const x = await status('broken')
      return x.state === 'broken' ? x : undefined
    })
    expect(s.lastError).toContain('restart it by hand')
    // The same as a code with parameters: the breaker's figures ride along with the failure's own code.
    expect(s.lastErrorCode).toBe('start_failed')
    expect(s.lastErrorParams).toMatchObject({ failures: 3, windowSeconds: 30 })
    const restarts = s.restarts
    await new Promise((r) => setTimeout(r, 300))
    expect((await status('broken')).restarts).toBe(restarts)
    await env.core.invoke('bridge.upstream.restart', { name: 'broken' })
    expect(['backoff', 'broken', 'starting']).toContain((await status('broken')).state)
    expect((await env.core.invoke('bridge.upstream.remove', { name: 'broken' })).ok).toBe(true)
  })

  it('an upstream whose command does not exist says so, as a sentence and as spawn_failed with the command', async () => {
    await env.core.invoke('bridge.upstream.add', {
      name: 'missing',
      command: 'keybridge-no-such-command-4711',
    })
    const s = await waitFor(async () => {
      const x = await status('missing')
      return x.lastErrorCode ? x : undefined
    })
    expect(s.lastError).toContain('command not found: keybridge-no-such-command-4711')
    expect(s.lastErrorCode).toBe('spawn_failed')
    expect(s.lastErrorParams).toMatchObject({ command: 'keybridge-no-such-command-4711', errno: 'ENOENT' })
    expect((await env.core.invoke('bridge.upstream.remove', { name: 'missing' })).ok).toBe(true)
  })

  it('keeps upstream tools in the permissions list while stopped, and stops children with the bridge', async () => {
    const pid = (await status('reporter')).pid!
    await env.bridge.stop()
    expect(() => process.kill(pid, 0)).toThrow()
    const tools = (
      (await env.core.invoke('bridge.tools.list', undefined)) as {
        data: { name: string; available: boolean }[]
      }
    ).data
    expect(tools.find((t) => t.name === 'reporter_report_env')).toMatchObject({ available: false })
  })
})

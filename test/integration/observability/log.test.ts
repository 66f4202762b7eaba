import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ToolSource } from '../../../electron/core/bridge/tool-source'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import {
  addCredential,
  connectClient,
  reporterCommand,
  startBridge,
  textOf,
  waitFor,
} from '../bridge/support'

// Stored as a credential secret: the scrubber knows it and must keep it out of every log line.
const CANARY = 'kb-canary-' + 'Zq9x7Lw3'.repeat(4)

/** Tools that fail: one with an internal error quoting the canary, one with a secret-shaped key. */
const failing: ToolSource = {
  id: 'obs',
  async listTools() {
    return [
      {
        id: 'obs/boom',
        nameParts: ['obs', 'boom'],
        originalName: 'boom',
        name: 'obs_boom',
        description: 'throws an internal error',
        inputSchema: { type: 'object' },
        annotations: { readOnlyHint: true },
        source: 'obs',
        call: async () => {
          throw new TypeError(`cannot read the reply of ${CANARY}`)
        },
      },
    ]
  },
}

describe('the structured log (logs/keybridge-<day>.log)', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const logText = () => {
    env.core.ctx.logs.flush()
    const dir = join(env.core.dataDir, 'logs')
    return readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('')
  }
  const lines = () =>
    logText()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown> & { err?: { stack?: string; message?: string } })
  const toolNamed = async (client: Awaited<ReturnType<typeof connectClient>>, suffix: string) => {
    const t = (await client.listTools()).tools.find((x) => x.name.endsWith(suffix))
    if (!t) throw new Error(`no tool ending in ${suffix}`)
    return t.name
  }

  beforeAll(async () => {
    env = await startBridge({
      approvalMode: 'approve_all',
      logging: { file: true },
      // Port 9 on loopback refuses: the provider call fails as UNREACHABLE.
      env: { KEYBRIDGE_GITHUB_BASE_URL: 'http://127.0.0.1:9', KEYBRIDGE_HTTP_TIMEOUT_MS: '2000' },
    })
    env.bridge.registry.add(failing)
    env.bridge.upstreams.policy = { ...env.bridge.upstreams.policy, baseBackoffMs: 50 }
    addCredential(env.core, 'github', 'personal', { token: CANARY })
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('is JSON lines in a 0600 file in a 0700 logs folder of the data dir', () => {
    const dir = join(env.core.dataDir, 'logs')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const files = readdirSync(dir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^keybridge-\d{4}-\d{2}-\d{2}\.log$/)
    expect(statSync(join(dir, files[0])).mode & 0o777).toBe(0o600)
    expect(lines().some((l) => l.msg === 'bridge started')).toBe(true)
  })

  it('records a failing provider call with its code and stack, never the credential', async () => {
    const client = await connectClient(env.url, env.token)
    const r = await client.callTool({
      name: await toolNamed(client, 'api_read'),
      arguments: { credential: 'personal', path: `/user?key=${CANARY}` },
    })
    expect(r.isError).toBe(true)
    await client.close()
    const line = await waitFor(() =>
      lines().find((l) => l.msg === 'tool call failed' && l.code === 'UNREACHABLE'),
    )
    expect(line.source).toBe('api')
    expect(line.client).toBe('Test App')
    expect(line.level).toBe(40)
    expect(line.err?.stack).toMatch(/\n\s+at /)
    expect(logText()).not.toContain(CANARY)
  })

  it('records an INTERNAL error with its stack frames, the canary redacted', async () => {
    const client = await connectClient(env.url, env.token)
    const r = await client.callTool({ name: await toolNamed(client, 'obs_boom'), arguments: {} })
    expect(textOf(r)).toBe('The tool failed inside Keybridge.')
    await client.close()
    const line = await waitFor(() =>
      lines().find((l) => l.msg === 'tool call failed' && l.code === 'INTERNAL'),
    )
    expect(line.level).toBe(50)
    expect(line.err?.message).toContain('cannot read the reply of [redacted]')
    expect(line.err?.stack).toMatch(/TypeError: cannot read the reply of \[redacted\]\n\s+at /)

    // An IPC handler failing the same way: logged with channel and stack, the caller gets INTERNAL only.
    const handlers = env.core.handlers as Record<string, unknown>
    const original = handlers['credentials.stats']
    handlers['credentials.stats'] = () => {
      throw new RangeError(`stats broke near ${CANARY}`)
    }
    const res = await env.core.invoke('credentials.stats', undefined)
    handlers['credentials.stats'] = original
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    const ipc = lines().find((l) => l.channel === 'credentials.stats')
    expect(ipc).toMatchObject({ code: 'INTERNAL', level: 50, actor: 'ui' })
    expect(ipc?.err?.stack).toMatch(/RangeError: stats broke near \[redacted\]\n\s+at /)
    expect(logText()).not.toContain(CANARY)
  })

  it('records an upstream crash and its restart', async () => {
    const { command, args } = reporterCommand()
    await env.core.invoke('bridge.upstream.add', { name: 'reporter', command, args, env: { GH: CANARY } })
    const status = async () =>
      ((await env.core.invoke('bridge.upstream.status', { name: 'reporter' })) as { data: UpstreamSummary })
        .data
    await waitFor(async () => (await status()).state === 'running' || undefined)
    const client = await connectClient(env.url, env.token)
    await client.callTool({ name: await toolNamed(client, 'crash'), arguments: {} }).catch(() => {})
    await client.close()
    const crash = await waitFor(() => lines().find((l) => l.msg === 'upstream server crashed; restarting'))
    expect(crash).toMatchObject({ upstream: 'reporter', state: 'backoff', level: 40 })
    expect(typeof crash.reason).toBe('string')
    await waitFor(() => lines().find((l) => l.msg === 'upstream server running' && Number(l.restarts) >= 1))
    expect(logText()).not.toContain(CANARY)
  })

  it('builds a diagnostics bundle without secrets; opening the folder needs the desktop', async () => {
    const r = await env.core.invoke('logs.diagnostics', undefined)
    if (!r.ok) throw new Error(r.error.message)
    const text = (r.data as { text: string }).text
    const d = JSON.parse(text) as {
      versions: Record<string, unknown>
      settings: { bridge: { port: number }; log: { retentionDays: number } }
      bridge: { upstreams: { name: string; restarts: number }[] }
      recentErrors: { msg: string; code?: string }[]
    }
    expect(d.versions).toMatchObject({ keybridge: env.core.ctx.version, node: process.versions.node })
    expect(typeof d.versions['sqlite']).toBe('string')
    expect(d.settings.log.retentionDays).toBe(30)
    expect(d.bridge.upstreams[0]).toMatchObject({ name: 'reporter' })
    expect(d.recentErrors.some((e) => e.msg === 'tool call failed' && e.code === 'INTERNAL')).toBe(true)
    expect(text).not.toContain(CANARY)
    expect(text).not.toContain(env.token)
    expect(await env.core.invoke('logs.openFolder', undefined)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED' },
    })
  })

  it('masks secret-shaped keys in logged objects', () => {
    env.core.ctx.log.warn({ password: 'hunter2-hunter2', nested: { apiKey: 'abc', count: 3 } }, 'shape test')
    const line = lines().find((l) => l.msg === 'shape test')
    expect(line).toMatchObject({ password: '[redacted]', nested: { apiKey: '[redacted]', count: 3 } })
  })
})

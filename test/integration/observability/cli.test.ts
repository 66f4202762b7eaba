import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import type { TokenUsage } from '../../../shared/ipc/usage'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { connectClient, waitFor } from '../bridge/support'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
const PASSWORD = 'observability cli password'
const SECRET = 'ghp_' + 'ObservCanary0123'.repeat(2)

describe('keybridge token update / token usage / logs / --verbose (the real CLI process)', () => {
  const t = tempDir('kb-obs-cli-')
  // Port 9 refuses: every provider call fails (UNREACHABLE), which the usage counts as errors.
  const env = {
    ...process.env,
    KEYBRIDGE_PASSWORD: PASSWORD,
    KEYBRIDGE_GITHUB_BASE_URL: 'http://127.0.0.1:9',
    KEYBRIDGE_HTTP_TIMEOUT_MS: '2000',
  }
  let token = ''
  const kb = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', t.dir], { env, encoding: 'utf8' })
    return { code: r.status, out: r.stdout, err: r.stderr }
  }

  beforeAll(async () => {
    // A vault with a cheap KDF (stored with its keyslot, so the spawned CLI uses it too).
    const io: CliIO = { out() {}, err() {}, promptSecret: async () => undefined, isTTY: false }
    expect(await runCli(['init', '--data-dir', t.dir], { io, env, kdf: TEST_KDF })).toBe(0)
  }, 30_000)
  afterAll(() => t.cleanup())

  it('creates a token with quotas and updates them', () => {
    const created = kb('token', 'create', '--name', 'Usage App', '--daily-quota', '3', '--json')
    expect(created.code).toBe(0)
    expect(JSON.parse(created.out).summary).toMatchObject({ dailyQuota: 3, monthlyQuota: null })
    token = JSON.parse(created.out).token as string
    const updated = kb('token', 'update', 'Usage App', '--monthly-quota', '1000', '--json')
    expect(updated.code).toBe(0)
    expect(JSON.parse(updated.out)).toMatchObject({ name: 'Usage App', dailyQuota: 3, monthlyQuota: 1000 })
    expect(kb('token', 'list').out).toContain('3/1000')
    expect(kb('token', 'update', 'Usage App', '--daily-quota', 'lots').code).toBe(2)
    expect(kb('token', 'update', 'Usage App').code).toBe(2)
    expect(kb('token', 'update', 'Nobody', '--daily-quota', '5').code).toBe(1)
    expect(kb('token', 'usage').code).toBe(2)
    expect(kb('token', 'usage', 'Nobody').code).toBe(1)
    expect(kb('token', 'usage', 'Usage App', '--days', '0').code).toBe(2)
  }, 60_000)

  it('serves, counts calls against the quota, then reports usage and the log', async () => {
    expect(
      kb(
        'credential',
        'add',
        '--service',
        'github',
        '--name',
        'me',
        '--field',
        `token=${SECRET}`,
        '--no-validate',
      ).code,
    ).toBe(0)
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', t.dir], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const url = await waitFor(() => /listening on (\S+)/.exec(out)?.[1], 30_000, 'serve URL')
      const client = await connectClient(url, token)
      const read = (await client.listTools()).tools.find((x) => x.name.includes('api_read'))!.name
      const call = (name: string) => client.callTool({ name, arguments: { path: '/user' } })
      const first = await call(read)
      expect(first.isError).toBe(true) // provider unreachable: error
      // Denied: an error result or a JSON-RPC error, depending on the SDK's handling of unknown tools.
      const unknown = await call('no_such_tool').catch((e: Error) => ({ isError: true, error: e.message }))
      expect(unknown.isError).toBe(true)
      expect((await call(read)).isError).toBe(true)
      await expect(call(read)).rejects.toThrow(/daily quota resets at/) // the 4th: refused
      await client.close()
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }

    const usage = kb('token', 'usage', 'Usage App', '--days', '7', '--json')
    expect(usage.code).toBe(0)
    const u = JSON.parse(usage.out) as TokenUsage
    expect(u.days).toHaveLength(7)
    expect(u.totals).toEqual({ calls: 3, ok: 0, errors: 2, denied: 1, quotaRefused: 1 })
    expect(u.days.at(-1)).toMatchObject({ calls: 3, error: 2, denied: 1, quotaRefused: 1 })
    expect(u.topTools[0]).toMatchObject({ tool: expect.stringContaining('api_read'), calls: 2, errors: 2 })
    expect(u.last24h).toEqual(u.totals)
    expect(u.quota.daily).toMatchObject({ limit: 3, used: 3 })
    expect(u.quota.monthly).toMatchObject({ limit: 1000, used: 3 })
    const human = kb('token', 'usage', 'Usage App')
    expect(human.out).toContain('Today: 3 of 3 calls, resets')
    expect(human.out).toContain('Last 24 hours: 3 calls, 2 errors, 1 denied, 1 refused by a quota.')
    expect(human.out).toContain('TOP TOOLS')

    const logs = kb('logs', '--level', 'warn', '--json')
    expect(logs.code).toBe(0)
    const lines = JSON.parse(logs.out) as { msg: string; level: number; code?: string }[]
    expect(lines.every((l) => l.level >= 40)).toBe(true)
    expect(lines.some((l) => l.msg === 'tool call failed' && l.code === 'UNREACHABLE')).toBe(true)
    expect(lines.some((l) => l.msg === 'quota reached: calls refused')).toBe(true)
    const text = kb('logs', '--since', '1h')
    expect(text.out).toMatch(/ INFO {2}bridge started/)
    expect(text.out).toMatch(/ WARN {2}tool call failed .*err=AppError\(UNREACHABLE\)/)
    expect(text.out).not.toContain(SECRET)
    expect(kb('logs', '--level', 'loud').code).toBe(2)
  }, 90_000)

  it('logs --follow prints lines as they are appended, until SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'logs', '--follow', '--level', 'warn', '--data-dir', t.dir], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await waitFor(() => out.includes('quota reached'), 20_000, 'the existing lines')
      const dir = join(t.dir, 'logs')
      const file = join(dir, readdirSync(dir).sort().at(-1)!)
      const line = (level: number, msg: string) =>
        JSON.stringify({ level, time: new Date().toISOString(), msg }) + '\n'
      appendFileSync(file, line(30, 'followed info') + line(50, 'followed error'))
      await waitFor(() => out.includes('followed error'), 10_000, 'the appended line')
      expect(out).not.toContain('followed info')
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 40_000)

  it('logs config shows and changes the level and the retention', () => {
    expect(JSON.parse(kb('logs', 'config', '--json').out)).toMatchObject({ level: 'info', retentionDays: 30 })
    const set = kb('logs', 'config', '--log-level', 'debug', '--retention-days', '10', '--json')
    expect(set.code).toBe(0)
    expect(JSON.parse(kb('logs', 'config', '--json').out)).toMatchObject({
      level: 'debug',
      retentionDays: 10,
    })
    expect(kb('logs', 'config', '--retention-days', '0').code).toBe(2)
    expect(kb('logs', 'config', '--log-level', 'chatty').code).toBe(2)
  })

  it('--verbose writes the log to stderr; without it nothing is printed there', () => {
    const quiet = kb('token', 'list')
    expect(quiet.err).toBe('')
    const loud = kb('token', 'list', '--verbose')
    expect(loud.code).toBe(0)
    const first = JSON.parse(loud.err.split('\n')[0]) as { msg: string; level: number }
    expect(first.msg).toBe('core started')
  })
})

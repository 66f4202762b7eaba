import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VAULT_FILE } from '../../../electron/core/app'
import { tempDir } from '../../helpers/core'
import { BIN, cliInProcess, spawnCli } from '../../helpers/cli-process'

const PASSWORD = 'doctor and bridge settings password'
const env = { KEYBRIDGE_PASSWORD: PASSWORD }

interface Finding {
  check: string
  status: string
  message: string
  fix?: string
}
interface Report {
  ok: boolean
  problems: number
  findings: Finding[]
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

async function freshVault(prefix: string) {
  const t = tempDir(prefix)
  expect((await cliInProcess(['init', '--data-dir', t.dir], env)).code).toBe(0)
  // The configured port must not be one this machine already uses.
  const port = await freePort()
  expect(
    (await cliInProcess(['bridge', 'config', '--port', String(port), '--data-dir', t.dir], env)).code,
  ).toBe(0)
  return { ...t, port }
}

async function doctor(dir: string, e: Record<string, string | undefined> = env) {
  const r = await spawnCli(['doctor', '--json', '--data-dir', dir], { env: e })
  return { ...r, report: JSON.parse(r.out) as Report }
}
const problems = (r: Report, check: string) =>
  r.findings.filter((f) => f.check === check && f.status === 'problem')

describe('keybridge doctor', () => {
  it('a sound vault: every check runs, no problem, exit 0', async () => {
    const v = await freshVault('kb-doctor-ok-')
    try {
      const r = await doctor(v.dir)
      expect(r.code).toBe(0)
      expect(r.report.ok).toBe(true)
      expect([...new Set(r.report.findings.map((f) => f.check))]).toEqual([
        'vault-integrity',
        'file-modes',
        'bridge-port',
        'versions',
        'sealed-rows',
        'row-integrity',
      ])
      expect(r.report.findings.find((f) => f.check === 'versions')!.message).toMatch(
        /Keybridge .*Node .*SQLite/,
      )
      const human = await spawnCli(['doctor', '--data-dir', v.dir], { env })
      expect(human.out).toContain('No problems found.')
    } finally {
      v.cleanup()
    }
  })

  it('finds open file modes, a port taken by another program, a sealed value that does not open: each with its fix', async () => {
    const v = await freshVault('kb-doctor-bad-')
    let blocker: Server | undefined
    try {
      const added = await cliInProcess(
        [
          'credential',
          'add',
          '--service',
          'github',
          '--name',
          'x',
          '--field',
          'token=ghp_doctordoctordoctordoctor01',
          '--no-validate',
          '--data-dir',
          v.dir,
        ],
        env,
      )
      expect(added.code).toBe(0)
      const db = new Database(join(v.dir, VAULT_FILE))
      const row = db.prepare('SELECT id, secrets FROM credentials').get() as { id: string; secrets: Buffer }
      row.secrets[row.secrets.length - 1] ^= 0x01
      db.prepare('UPDATE credentials SET secrets = ? WHERE id = ?').run(row.secrets, row.id)
      db.close()
      chmodSync(join(v.dir, VAULT_FILE), 0o644)
      blocker = createServer((s) => s.destroy())
      await new Promise<void>((r) => blocker!.listen(v.port, '127.0.0.1', r))

      const r = await doctor(v.dir)
      expect(r.code).toBe(1)
      expect(r.report.ok).toBe(false)
      expect(problems(r.report, 'file-modes')[0].fix).toContain(`chmod 600 '${join(v.dir, VAULT_FILE)}'`)
      const port = problems(r.report, 'bridge-port')[0]
      expect(port.message).toContain(`127.0.0.1:${v.port} is in use by another program`)
      expect(port.fix).toMatch(/keybridge bridge config --port \d+/)
      const sealed = problems(r.report, 'sealed-rows')[0]
      expect(sealed.message).toContain('1 sealed value(s) in credentials.secrets do not open')
      expect(sealed.message).toContain(row.id)
      expect(problems(r.report, 'vault-integrity')).toEqual([])
      const tampered = problems(r.report, 'row-integrity')
      expect(tampered.map((p) => p.message).join(' ')).toMatch(/The credential "x" was changed outside/)
      expect(tampered[0].fix).toMatch(/Review it, then delete it and add it again/)

      const wrong = await doctor(v.dir, { KEYBRIDGE_PASSWORD: 'not the password' })
      expect(wrong.code).toBe(1)
      expect(problems(wrong.report, 'sealed-rows')[0].message).toContain(
        'That master password is not correct',
      )
      const none = await doctor(v.dir, { KEYBRIDGE_PASSWORD: undefined })
      expect(none.report.findings.find((f) => f.check === 'sealed-rows')!.status).toBe('skipped')
    } finally {
      if (blocker) await new Promise((r) => blocker!.close(r))
      v.cleanup()
    }
  })

  it('a file that is not a database: a vault-integrity problem, exit 1, and the file is left alone', async () => {
    const t = tempDir('kb-doctor-damaged-')
    try {
      writeFileSync(join(t.dir, VAULT_FILE), Buffer.alloc(4096, 0x33), { mode: 0o600 })
      const r = await doctor(t.dir)
      expect(r.code).toBe(1)
      const p = problems(r.report, 'vault-integrity')[0]
      expect(p.message).toMatch(/not a database/)
      expect(p.fix).toMatch(/backup/)
    } finally {
      t.cleanup()
    }
  })
})

describe('keybridge bridge config / bridge status', () => {
  let v: Awaited<ReturnType<typeof freshVault>>
  beforeAll(async () => {
    v = await freshVault('kb-bridge-settings-')
  })
  afterAll(() => v.cleanup())

  it('shows and changes the settings; bad values are usage errors', async () => {
    const set = await spawnCli(
      [
        'bridge',
        'config',
        '--rate-limit',
        '120',
        '--approval-timeout',
        '30',
        '--host',
        '127.0.0.1',
        '--json',
        '--data-dir',
        v.dir,
      ],
      { env },
    )
    expect(set.code).toBe(0)
    expect(JSON.parse(set.out)).toMatchObject({
      host: '127.0.0.1',
      port: v.port,
      rateLimitPerMinute: 120,
      approvalTimeoutSeconds: 30,
    })
    const shown = await spawnCli(['bridge', 'config', '--data-dir', v.dir], { env })
    expect(shown.out).toContain(`Address:          http://127.0.0.1:${v.port}/mcp`)
    expect(shown.out).toContain('120 requests per minute')
    for (const bad of [
      ['--port', '70000'],
      ['--rate-limit', '0'],
      ['--approval-timeout', 'soon'],
    ]) {
      const r = await spawnCli(['bridge', 'config', ...bad, '--data-dir', v.dir], { env })
      expect(r.code, bad.join(' ')).toBe(2)
    }
  })

  it('status: not running, then running under serve (address, pid, sessions, upstreams), then not', async () => {
    const before = await spawnCli(['bridge', 'status', '--json', '--data-dir', v.dir], { env })
    expect(before.code).toBe(0)
    expect(JSON.parse(before.out)).toMatchObject({ running: false, port: v.port, source: 'none' })

    const serve = spawn(process.execPath, [BIN, 'serve', '--data-dir', v.dir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise((r) => serve.on('exit', r))
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        serve.stdout!.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('listening on')) resolve()
        })
        serve.on('exit', () => reject(new Error('serve exited')))
      })
      const during = await spawnCli(['bridge', 'status', '--json', '--data-dir', v.dir], { env })
      const s = JSON.parse(during.out)
      expect(s).toMatchObject({
        running: true,
        source: 'serve',
        url: `http://127.0.0.1:${v.port}/mcp`,
        sessions: 0,
        upstreams: [],
      })
      expect(s.pid).toBeGreaterThan(0)
      const human = await spawnCli(['bridge', 'status', '--data-dir', v.dir], { env })
      expect(human.out).toMatch(/Running: {3}yes \(keybridge serve, process \d+/)
      const settingChange = await spawnCli(['bridge', 'config', '--rate-limit', '90', '--data-dir', v.dir], {
        env,
      })
      expect(settingChange.out).toContain('restart it')
    } finally {
      serve.kill('SIGTERM')
      await exited
    }
    const after = await spawnCli(['bridge', 'status', '--json', '--data-dir', v.dir], { env })
    expect(JSON.parse(after.out)).toMatchObject({ running: false, staleStatusFile: false })
  })
})

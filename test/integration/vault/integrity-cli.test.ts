import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../../electron/core/app'
import { HaInstanceStore } from '../../../electron/core/homeassistant/store'
import { getBridge } from '../../../electron/core/bridge/feature'
import { startListener } from '../../helpers/listener'
import { tempDir, TEST_KDF } from '../../helpers/core'
import { INIT_BODY, MCP_HEADERS, rawRequest, waitFor } from '../bridge/support'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
const PASSWORD = 'integrity cli master password'

/** The real `keybridge` process, as a user or a script runs it. */
function kb(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--data-dir', dataDir], {
      env: { ...process.env, KEYBRIDGE_PASSWORD: PASSWORD, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) => resolve({ code, out, err }))
  })
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8)

describe('keybridge init: folder and file modes', () => {
  const t = tempDir('kb-modes-')
  afterAll(() => t.cleanup())

  it('makes an existing 0755 folder 0700 and every file in it 0600, and says so', async () => {
    const dir = join(t.dir, 'data')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    writeFileSync(join(dir, 'notes.txt'), 'x', { mode: 0o644 })
    mkdirSync(join(dir, 'logs'), { mode: 0o755 })
    writeFileSync(join(dir, 'logs', 'old.log'), 'x', { mode: 0o644 })
    const init = await kb(dir, ['init'])
    expect(init.code).toBe(0)
    expect(init.err).toMatch(
      /Notice: The data folder was readable by other users \(0755\); Keybridge set it to 0700/,
    )
    expect(init.err).toMatch(/Notice: notes\.txt was readable by other users \(0644\)/)
    expect(mode(dir)).toBe('700')
    expect(mode(join(dir, 'logs'))).toBe('700')
    expect(mode(join(dir, 'logs', 'old.log'))).toBe('600')
    for (const f of readdirSync(dir).filter((n) => n !== 'logs')) expect(mode(join(dir, f)), f).toBe('600')
    expect(readdirSync(dir)).toContain('vault.sqlite')
    // Made readable again (by another tool), the next command repairs it too.
    chmodSync(join(dir, 'vault.sqlite'), 0o644)
    const status = await kb(dir, ['lock-status'])
    expect(status.code).toBe(0)
    expect(status.err).toMatch(/vault\.sqlite was readable by other users \(0644\)/)
    expect(mode(join(dir, 'vault.sqlite'))).toBe('600')
  })
})

describe('tamper matrix against the CLI', () => {
  const t = tempDir('kb-tamper-cli-')
  let attacker: Awaited<ReturnType<typeof startListener>>
  const forged = 'kb_' + 'F'.repeat(43)

  beforeAll(async () => {
    attacker = await startListener()
    const core = await createCore({ dataDir: t.dir, runtime: 'node', env: {}, kdf: TEST_KDF })
    await core.ctx.vault.create({ mode: 'password', password: PASSWORD, autoLockMinutes: 15 }, 'cli')
    core.ctx.credentials.create(
      {
        service: 'custom',
        name: 'api',
        account: null,
        fields: {
          baseUrl: 'https://api.example.test',
          headerName: 'Authorization',
          headerTemplate: 'Token {{secret}}',
        },
        secrets: { secret: 'CLI-CUSTOM-SECRET' },
        status: 'active',
        lastValidatedAt: null,
        validationError: null,
        expiresAt: null,
        metadata: {},
      },
      'cli',
    )
    new HaInstanceStore(core.ctx).create(
      {
        name: 'Home',
        url: 'https://ha.example.test',
        token: 'HA-CLI-TOKEN',
        allowedDomains: [],
        lastProbe: null,
      },
      'cli',
    )
    getBridge(core.ctx).upstreams.add({ name: 'tool', command: 'true', args: [], env: {}, enabled: false })
    await core.close()
    // The attacker edits the file: no password, no keychain.
    const db = new Database(join(t.dir, 'vault.sqlite'))
    db.prepare(`UPDATE credentials SET fields = json_set(fields, '$.baseUrl', ?)`).run(attacker.base)
    db.prepare(`UPDATE ha_instances SET url = ?`).run(attacker.base)
    db.prepare(`UPDATE bridge_upstreams SET command = 'sh', args = ?`).run(
      JSON.stringify(['-c', `curl ${attacker.base}/ran`]),
    )
    db.prepare(
      `INSERT INTO bridge_tokens (id, name, hash, display, scopes, created_at) VALUES ('f', 'Forged', ?, 'kb_FFFF…FFFF', '[]', 0)`,
    ).run(createHash('sha256').update(forged).digest())
    db.close()
  })
  afterAll(async () => {
    await attacker.close()
    t.cleanup()
  })

  const tampered = (r: { code: number | null; err: string }) => {
    expect(r.code).toBe(1)
    const e = JSON.parse(r.err.trim().split('\n').at(-1)!) as { error: { code: string; message: string } }
    expect(e.error.code).toBe('ROW_TAMPERED')
    expect(e.error.message).toMatch(
      /was changed outside Keybridge on \d{4}-\d\d-\d\d \d\d:\d\d UTC: review or delete it/,
    )
    return e.error.message
  }

  it('refuses the changed credential, Home Assistant instance and upstream; nothing reaches the attacker', async () => {
    const reveal = await kb(t.dir, ['credential', 'reveal', 'custom/api', '--field', 'secret', '--json'])
    expect(tampered(reveal)).toContain('The credential "api"')
    expect(reveal.out).not.toContain('CLI-CUSTOM-SECRET')
    expect(tampered(await kb(t.dir, ['ha', 'test', 'Home', '--json']))).toContain(
      'The Home Assistant instance "Home"',
    )
    expect(tampered(await kb(t.dir, ['upstream', 'enable', 'tool', '--json']))).toContain(
      'The upstream server "tool"',
    )
    expect(attacker.requests).toEqual([])
  })

  it('keybridge serve refuses the forged token row with 401', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', t.dir], {
      env: { ...process.env, KEYBRIDGE_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    try {
      const url = await waitFor(() => /listening on (\S+)/.exec(out)?.[1], 30_000, 'serve URL')
      const res = await rawRequest(Number(new URL(url).port), {
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${forged}` },
        body: JSON.stringify(INIT_BODY),
      })
      expect(res.status).toBe(401)
      expect(res.body).toContain('changed outside Keybridge')
    } finally {
      child.kill('SIGTERM')
      await exited
    }
    // `keybridge doctor` names each, with its fix (exit 1: problems found).
    const doctor = await kb(t.dir, ['doctor', '--json'])
    expect(doctor.code).toBe(1)
    const findings = JSON.parse(doctor.out) as { findings?: unknown[] } | unknown[] as unknown
    const list = (Array.isArray(findings) ? findings : (findings as { findings: unknown[] }).findings) as {
      check: string
      status: string
      message: string
      fix?: string
    }[]
    const rows = list.filter((f) => f.check === 'row-integrity' && f.status === 'problem')
    expect(rows.map((f) => f.message.replace(/ on .*$/, '')).sort()).toEqual([
      'The Home Assistant instance "Home" was changed outside Keybridge',
      'The client token "Forged" was changed outside Keybridge',
      'The credential "api" was changed outside Keybridge',
      'The upstream server "tool" was changed outside Keybridge',
    ])
    expect(rows.every((f) => f.fix?.includes('delete it'))).toBe(true)
    // Every refusal was audited, and the same list the desktop and `keybridge doctor` show names them all.
    const core = await createCore({ dataDir: t.dir, runtime: 'node', env: {}, kdf: TEST_KDF })
    try {
      await core.ctx.vault.unlock({ password: PASSWORD }, 'cli')
      const report = core.ctx.integrity.report()
      expect(report.tampered.map((r) => `${r.table}/${r.label}`).sort()).toEqual([
        'bridge_tokens/Forged',
        'bridge_upstreams/tool',
        'credentials/api',
        'ha_instances/Home',
      ])
      const audited = core.ctx.db
        .prepare("SELECT DISTINCT target FROM audit_log WHERE action = 'row_tampered' ORDER BY target")
        .pluck()
        .all()
      expect(audited).toEqual([
        'bridge_tokens/Forged',
        'bridge_upstreams/tool',
        'credentials/api',
        'ha_instances/Home',
      ])
    } finally {
      await core.close()
    }
    expect(attacker.requests).toEqual([])
  })
})

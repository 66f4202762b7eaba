import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, VAULT_FILE } from '../../../electron/core/app'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { parseSince } from '../../../electron/core/cli/commands/vault'
import { tempDir, TEST_KDF } from '../../helpers/core'
import { credential } from '../../unit/vault/fixtures'

const PASSWORD = 'cli master password'

async function cli(
  dataDir: string,
  args: string[],
  env: Record<string, string> = { KEYBRIDGE_PASSWORD: PASSWORD },
) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    promptSecret: async () => undefined,
    isTTY: false,
  }
  const code = await runCli(['--data-dir', dataDir, ...args], { io, env, kdf: TEST_KDF })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('keybridge vault and credential commands', () => {
  const t = tempDir('kb-cli-')
  const secrets = { work: 'ghp_work_' + 'w'.repeat(20), home: 'ghp_home_' + 'h'.repeat(20) }

  beforeAll(async () => {
    expect((await cli(t.dir, ['init'])).code).toBe(0)
    const core = await createCore({ dataDir: t.dir, runtime: 'node', env: {}, kdf: TEST_KDF })
    await core.ctx.vault.unlock({ password: PASSWORD }, 'cli')
    core.ctx.credentials.create(
      credential({ service: 'github', name: 'work', secrets: { token: secrets.work } }),
      'cli',
    )
    core.ctx.credentials.create(
      credential({
        service: 'github',
        name: 'home',
        account: 'me',
        secrets: { token: secrets.home, extra: 'x' },
      }),
      'cli',
    )
    core.ctx.credentials.create(credential({ service: 'notion', name: 'team' }), 'cli')
    await core.close()
  })
  afterAll(() => t.cleanup())

  it('credential list: metadata only, --service filter, --json shape', async () => {
    const all = await cli(t.dir, ['credential', 'list', '--json'])
    expect(all.code).toBe(0)
    const rows = JSON.parse(all.out)
    expect(rows).toHaveLength(3)
    expect(Object.keys(rows[0]).sort()).toEqual(
      ['account', 'id', 'isPrimary', 'lastUsedAt', 'lastValidatedAt', 'name', 'service', 'status'].sort(),
    )
    expect(all.out).not.toContain('ghp_')
    const gh = JSON.parse((await cli(t.dir, ['credential', 'list', '--service', 'github', '--json'])).out)
    expect(gh.map((r: { name: string; isPrimary: boolean }) => [r.name, r.isPrimary])).toEqual([
      ['work', true],
      ['home', false],
    ])
    const human = await cli(t.dir, ['credential', 'list'])
    expect(human.out).toMatch(/SERVICE\/NAME\s+ACCOUNT\s+STATUS/)
    expect(human.out).toContain('github/home')
  })

  it('set-primary, reveal (audited), rm (promotes), with the master password', async () => {
    expect((await cli(t.dir, ['credential', 'set-primary', 'github/home'])).code).toBe(0)
    const reveal = await cli(t.dir, ['credential', 'reveal', 'github/home', '--field', 'token'])
    expect(reveal).toMatchObject({ code: 0, out: secrets.home })
    // Two secret fields and no --field: a usage error.
    expect((await cli(t.dir, ['credential', 'reveal', 'github/home'])).code).toBe(2)
    // One secret field: --field may be omitted.
    expect(await cli(t.dir, ['credential', 'reveal', 'github/work'])).toMatchObject({
      code: 0,
      out: secrets.work,
    })
    const bad = await cli(t.dir, ['credential', 'reveal', 'github/home', '--field', 'token', '--json'], {
      KEYBRIDGE_PASSWORD: 'wrong password',
    })
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.err)).toMatchObject({ error: { code: 'BAD_PASSWORD' } })
    const missing = await cli(t.dir, ['credential', 'rm', 'github/nope', '--json'])
    expect(JSON.parse(missing.err)).toMatchObject({ error: { code: 'NOT_FOUND' } })
    const rm = await cli(t.dir, ['credential', 'rm', 'github/home', '--json'])
    expect(rm.code).toBe(0)
    expect(JSON.parse(rm.out)).toMatchObject({
      deleted: { name: 'home' },
      promoted: { name: 'work', isPrimary: true },
    })

    const audit = await cli(t.dir, ['audit', '--json', '--since', '1h'])
    const entries = JSON.parse(audit.out) as { action: string; target: string; actor: string }[]
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['vault_created', 'created', 'set_primary', 'revealed', 'deleted']),
    )
    expect(entries.find((e) => e.action === 'revealed')).toMatchObject({
      actor: 'cli',
      target: 'github/home',
    })
    expect(audit.out).not.toContain('ghp_')
  })

  it('rotate-key re-encrypts everything; secrets still reveal', async () => {
    const r = await cli(t.dir, ['rotate-key', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ keyVersion: 2, resealed: 2 })
    expect(await cli(t.dir, ['credential', 'reveal', 'github/work', '--field', 'token'])).toMatchObject({
      code: 0,
      out: secrets.work,
    })
    expect((await cli(t.dir, ['rotate-key'], { KEYBRIDGE_PASSWORD: 'wrong password' })).code).toBe(1)
  })

  it('audit: --csv, --since validation, filters', async () => {
    const csv = await cli(t.dir, ['audit', '--csv', '--service', 'github'])
    expect(csv.code).toBe(0)
    const lines = csv.out.split('\r\n')
    expect(lines[0]).toBe('id,time,actor,actorName,action,target,outcome,durationMs,detail')
    expect(lines.slice(1).every((l) => l.includes(',github/'))).toBe(true)
    expect((await cli(t.dir, ['audit', '--since', 'yesterday-ish'])).code).toBe(2)
    expect((await cli(t.dir, ['audit', '--csv', '--json'])).code).toBe(2)
    const human = await cli(t.dir, ['audit', '--action', 'key_rotated'])
    expect(human.out).toMatch(/key_rotated\s+ok/)
    // The wrong-password rotate-key was stopped at unlock.
    expect((await cli(t.dir, ['audit', '--action', 'unlocked'])).out).toMatch(/unlocked\s+denied/)
    expect(parseSince('7d', 10 * 86_400_000)).toBe(3 * 86_400_000)
    expect(parseSince('2026-01-31', 0)).toBe(Date.UTC(2026, 0, 31))
  })

  it('a vault file from a newer Keybridge is refused with VAULT_TOO_NEW (exit 1)', async () => {
    const n = tempDir('kb-cli-new-')
    try {
      expect((await cli(n.dir, ['init'])).code).toBe(0)
      const db = new Database(join(n.dir, VAULT_FILE))
      db.prepare("UPDATE schema_versions SET version = version + 1 WHERE module = 'credentials'").run()
      db.close()
      const r = await cli(n.dir, ['credential', 'list', '--json'])
      expect(r.code).toBe(1)
      expect(JSON.parse(r.err)).toMatchObject({ error: { code: 'VAULT_TOO_NEW' } })
    } finally {
      n.cleanup()
    }
  })
})

import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_BACKUP_KDF } from '../../../electron/core/backup/kdf'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'
import { canary, PASSPHRASE, vaultDigest } from './support'

type TestCore = Awaited<ReturnType<typeof makeCore>>
const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')

function keybridge(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KEYBRIDGE_PASSWORD: TEST_PASSWORD, ...env },
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The headless command and the desktop core share one vault: data written by one is read by the other. */
describe('keybridge export / import (child processes) and the desktop core on the same vaults', () => {
  const files = tempDir('kb-cli-files-')
  const file = join(files.dir, 'from-cli.kbbackup')
  const passFile = join(files.dir, 'passphrase.txt')
  const secret = canary()
  let ui: TestCore
  let restored: ReturnType<typeof tempDir>

  beforeAll(async () => {
    writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 })
    // The desktop side: everything through core.invoke as 'ui'.
    ui = await makeCore()
    expect(await ui.invoke('vault.create', { mode: 'password', password: TEST_PASSWORD })).toMatchObject({
      ok: true,
    })
    const created = await ui.invoke('credentials.create', {
      service: 'github',
      name: 'work',
      fields: { token: secret },
      validate: false,
    })
    expect(created).toMatchObject({ ok: true })
    restored = tempDir('kb-cli-restored-')
  })
  afterAll(async () => {
    await ui.dispose()
    restored.cleanup()
    files.cleanup()
  })

  it('the CLI reads what the desktop wrote and exports it: JSON on stdout, no progress bar when piped', () => {
    const list = keybridge(['credential', 'list', '--json', '--data-dir', ui.dataDir])
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ service: 'github', name: 'work' })])

    const out = keybridge(['export', '--out', file, '--data-dir', ui.dataDir, '--json'], {
      KEYBRIDGE_BACKUP_PASSPHRASE: PASSPHRASE,
    })
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const summary = JSON.parse(out.stdout)
    expect(summary).toMatchObject({ path: file, includesAudit: false })
    expect(summary.tables).toEqual(expect.arrayContaining([{ table: 'credentials', rows: 1 }]))
    // Built without a test KDF: the default cost is at least Bitwarden's Argon2id defaults.
    expect(summary.header.kdf.memoryKiB).toBeGreaterThanOrEqual(64 * 1024)
    expect(summary.header.kdf.iterations).toBeGreaterThanOrEqual(3)
    expect(summary.header.kdf.parallelism).toBeGreaterThanOrEqual(4)
    expect(DEFAULT_BACKUP_KDF).toEqual({ memoryCost: 65536, timeCost: 3, parallelism: 4 })
    expect(readFileSync(file).toString('latin1').includes(secret)).toBe(false)
  })

  it('the CLI imports into a fresh vault (dry run first), and the desktop reads the result', async () => {
    // A vault made by the desktop (cheap test KDF); the CLI writes the import into it.
    const fresh = await makeCore({ dataDir: restored.dir })
    expect(await fresh.invoke('vault.create', { mode: 'password', password: TEST_PASSWORD })).toMatchObject({
      ok: true,
    })
    await fresh.close()
    const dry = keybridge([
      'import',
      file,
      '--dry-run',
      '--json',
      '--passphrase-file',
      passFile,
      '--data-dir',
      restored.dir,
    ])
    expect(dry.code).toBe(0)
    const preview = JSON.parse(dry.stdout)
    expect(preview).toMatchObject({ applied: false, dryRun: true, mode: 'merge', onConflict: 'skip' })
    expect(preview.tables).toEqual(
      expect.arrayContaining([expect.objectContaining({ table: 'credentials', new: 1, added: 1 })]),
    )

    const applied = keybridge(
      ['import', file, '--mode', 'merge', '--on-conflict', 'overwrite', '--data-dir', restored.dir],
      {
        KEYBRIDGE_BACKUP_PASSPHRASE: PASSPHRASE,
      },
    )
    expect(applied.code).toBe(0)
    expect(applied.stdout).toMatch(/Imported \(merge: 1 added/)
    expect(applied.stderr).toBe('')

    const desktop = await makeCore({ dataDir: restored.dir })
    try {
      expect(await desktop.invoke('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({ ok: true })
      const list = await desktop.invoke('credentials.list', {})
      expect(list).toMatchObject({
        ok: true,
        data: [expect.objectContaining({ service: 'github', name: 'work', isPrimary: true })],
      })
      const id = desktop.ctx.credentials.findByRef('github/work').id
      expect(desktop.ctx.credentials.openSecrets(id)).toEqual({ token: secret })
    } finally {
      await desktop.close()
    }
  })

  it('errors: wrong passphrase is exit 1 with one JSON error line, and the vault is unchanged', async () => {
    const desktop = await makeCore({ dataDir: restored.dir })
    const before = vaultDigest(desktop.ctx.db, ['audit_log', 'audit_daily', 'sqlite_sequence'])
    const auditBefore = (desktop.ctx.db.prepare('SELECT MAX(id) AS m FROM audit_log').get() as { m: number })
      .m
    await desktop.close()
    const r = keybridge(['import', file, '--json', '--data-dir', restored.dir], {
      KEYBRIDGE_BACKUP_PASSPHRASE: 'not the passphrase at all',
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'BAD_PASSPHRASE', message: expect.any(String) } })
    const again = await makeCore({ dataDir: restored.dir })
    expect(vaultDigest(again.ctx.db, ['audit_log', 'audit_daily', 'sqlite_sequence'])).toBe(before)
    // The only trace is the CLI's own unlock of the vault.
    const added = again.ctx.db.prepare('SELECT action FROM audit_log WHERE id > ?').all(auditBefore)
    expect(added).toEqual([{ action: 'unlocked' }])
    await again.close()
  })

  it('draws a progress bar on a terminal (stderr of a pseudo-terminal)', () => {
    const out = join(files.dir, 'tty.kbbackup')
    const cmd = [process.execPath, bin, 'export', '--out', out, '--data-dir', ui.dataDir]
      .map((a) => `'${a}'`)
      .join(' ')
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, KEYBRIDGE_PASSWORD: TEST_PASSWORD, KEYBRIDGE_BACKUP_PASSPHRASE: PASSPHRASE },
      timeout: 60_000,
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/Exporting \[#*\.*\] +\d+%/)
    expect(r.stdout).toContain('\r')
    expect(r.stdout).toMatch(/Wrote an encrypted backup/)
  })
})

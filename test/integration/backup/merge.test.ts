import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ImportResult } from '../../../shared/ipc/backup'
import { exportableTables } from '../../../electron/core/backup/tables'
import { makeCore, tempDir } from '../../helpers/core'
import { canary, importedRows, openRows, PASSPHRASE, seedVault, vaultDigest } from './support'

type TestCore = Awaited<ReturnType<typeof makeCore>>

function addCredential(core: TestCore, service: string, name: string, secret = canary()): string {
  return core.ctx.credentials.create(
    {
      service,
      name,
      account: null,
      fields: {},
      secrets: { token: secret },
      status: 'active',
      lastValidatedAt: null,
      validationError: null,
      expiresAt: null,
      metadata: {},
    },
    'ui',
  ).id
}

const secretOf = (core: TestCore, ref: string) =>
  core.ctx.credentials.openSecrets(core.ctx.credentials.findByRef(ref).id).token

function primaries(core: TestCore): Record<string, number> {
  const rows = core.ctx.db
    .prepare('SELECT service, SUM(is_primary) AS n FROM credentials GROUP BY service')
    .all() as { service: string; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.service, r.n]))
}

async function importInto(core: TestCore, input: Record<string, unknown>): Promise<ImportResult> {
  const res = await core.invoke('backup.import', { passphrase: PASSPHRASE, ...input })
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`)
  return res.data as ImportResult
}

describe('import: merge vs replace vs dry run, with conflicts', () => {
  let src: TestCore
  const files = tempDir('kb-merge-')
  const file = join(files.dir, 'src.kbbackup')
  let dst: TestCore

  beforeAll(async () => {
    src = await makeCore({ unlocked: true })
    seedVault(src, 'src')
    addCredential(src, 'gitlab', 'a') // primary of gitlab in the backup
    src.ctx.settings.set('backup.test.setting', { from: 'src' })
    const res = await src.invoke('backup.export', { path: file, passphrase: PASSPHRASE, includeAudit: false })
    expect(res.ok).toBe(true)
  })
  afterAll(async () => {
    await src.dispose()
    files.cleanup()
  })
  beforeEach(async () => {
    dst = await makeCore({ unlocked: true })
    seedVault(dst, 'dst')
    addCredential(dst, 'gitlab', 'b') // this vault's gitlab primary
    dst.ctx.settings.set('backup.test.setting', { from: 'dst' })
  })
  afterEach(async () => {
    await dst.dispose()
  })

  it('dry run previews new / conflicting / would-be-replaced per table and changes nothing', async () => {
    const before = vaultDigest(dst.ctx.db)
    const r = await importInto(dst, { path: file, mode: 'merge', onConflict: 'overwrite', dryRun: true })
    expect(r.applied).toBe(false)
    const creds = r.preview.tables.find((t) => t.table === 'credentials')!
    // github/work, github/personal, openai/main conflict; notion/src-only and gitlab/a are new.
    expect(creds).toMatchObject({ incoming: 5, existing: 5, conflicts: 3, new: 2, added: 2, overwritten: 3 })
    expect(creds.conflictKeys).toEqual(
      expect.arrayContaining(['github/work', 'github/personal', 'openai/main']),
    )
    const settings = r.preview.tables.find((t) => t.table === 'settings')!
    expect(settings.conflictKeys).toContain('backup.test.setting')
    const replace = await importInto(dst, { path: file, mode: 'replace', dryRun: true })
    expect(replace.preview.tables.find((t) => t.table === 'credentials')).toMatchObject({
      deleted: 5,
      added: 5,
    })
    const inspect = await dst.invoke('backup.inspect', { path: file, passphrase: PASSPHRASE })
    expect(inspect).toMatchObject({
      ok: true,
      data: { applied: false, header: { kdf: { algorithm: 'argon2id' } } },
    })
    expect(vaultDigest(dst.ctx.db)).toBe(before)
  })

  it('merge + skip adds what is new, keeps this vault on conflicts, one primary per service', async () => {
    const workBefore = secretOf(dst, 'github/work')
    const r = await importInto(dst, { path: file, mode: 'merge', onConflict: 'skip' })
    expect(r.applied).toBe(true)
    expect(r.preview.totals.overwritten).toBe(0)
    expect(secretOf(dst, 'github/work')).toBe(workBefore)
    expect(secretOf(dst, 'notion/src-only')).toBe(secretOf(src, 'notion/src-only'))
    expect(dst.ctx.credentials.findByRef('notion/dst-only')).toBeTruthy()
    expect(dst.ctx.settings.get('backup.test.setting', (await import('zod')).z.any(), null)).toEqual({
      from: 'dst',
    })
    expect(primaries(dst)).toEqual({ github: 1, gitlab: 1, notion: 1, openai: 1 })
    expect(dst.ctx.credentials.primaryFor('gitlab')?.name).toBe('b')
    // Tables this test does not know (HA, bridge, ...) gained the backup's rows.
    for (const t of r.preview.tables) expect(t.added + t.skipped, t.table).toBe(t.incoming)
  })

  it('merge + overwrite takes the backup on conflicts but keeps ids here and this vault’s primaries', async () => {
    const idBefore = dst.ctx.credentials.findByRef('github/personal').id
    const r = await importInto(dst, { path: file, mode: 'merge', onConflict: 'overwrite' })
    expect(r.preview.tables.find((t) => t.table === 'credentials')).toMatchObject({
      overwritten: 3,
      added: 2,
    })
    expect(secretOf(dst, 'github/work')).toBe(secretOf(src, 'github/work'))
    expect(dst.ctx.credentials.findByRef('github/personal').id).toBe(idBefore)
    expect(secretOf(dst, 'github/personal')).toBe(secretOf(src, 'github/personal'))
    expect(dst.ctx.settings.get('backup.test.setting', (await import('zod')).z.any(), null)).toEqual({
      from: 'src',
    })
    expect(primaries(dst)).toEqual({ github: 1, gitlab: 1, notion: 1, openai: 1 })
    expect(dst.ctx.credentials.primaryFor('gitlab')?.name).toBe('b')
  })

  it('replace makes the vault content equal to the backup (audit log kept: it was not exported)', async () => {
    const auditBefore = openRows(dst, 'audit_log').length
    const tokensBefore = openRows(dst, 'bridge_tokens')
    await importInto(dst, { path: file, mode: 'replace' })
    for (const t of exportableTables(src.ctx.db, { includeAudit: false })) {
      // Tokens are never imported: replace leaves this device's own ones alone.
      if (t === 'bridge_tokens') expect(openRows(dst, t), t).toEqual(tokensBefore)
      else expect(openRows(dst, t), t).toEqual(importedRows(src, t))
    }
    expect(() => dst.ctx.credentials.findByRef('notion/dst-only')).toThrow()
    expect(openRows(dst, 'audit_log').length).toBe(auditBefore + 1)
  })

  it('a new row whose id is taken here gets a fresh id and is sealed for it', async () => {
    const other = await makeCore({ unlocked: true })
    const clashFile = join(files.dir, 'clash.kbbackup')
    try {
      const takenId = dst.ctx.credentials.findByRef('notion/dst-only').id
      const secret = canary()
      other.ctx.db
        .prepare(
          'INSERT INTO credentials (id, service, name, secrets, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1)',
        )
        .run(
          takenId,
          'sentry',
          'clash',
          other.ctx.keyring.seal(
            { table: 'credentials', rowId: takenId, field: 'secrets' },
            JSON.stringify({ token: secret }),
          ),
          'active',
        )
      expect((await other.invoke('backup.export', { path: clashFile, passphrase: PASSPHRASE })).ok).toBe(true)
      await importInto(dst, { path: clashFile, mode: 'merge' })
      const clash = dst.ctx.credentials.findByRef('sentry/clash')
      expect(clash.id).not.toBe(takenId)
      expect(dst.ctx.credentials.openSecrets(clash.id).token).toBe(secret)
      expect(secretOf(dst, 'notion/dst-only')).toMatch(/^CANARY-/)
      expect(primaries(dst)['sentry']).toBe(1)
    } finally {
      await other.dispose()
    }
  })
})

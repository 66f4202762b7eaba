import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_TABLE, exportableTables } from '../../../electron/core/backup/tables'
import { SEALED_COLUMNS } from '../../../electron/core/vault/sealed-columns'
import { makeCore, tempDir } from '../../helpers/core'
import {
  openRows,
  importedRows,
  PASSPHRASE,
  readBackupDocument,
  seedVault,
  vaultDigest,
  writeCraftedBackup,
  type Seeded,
} from './support'

type TestCore = Awaited<ReturnType<typeof makeCore>>

describe('backup round trip', () => {
  let src: TestCore
  let seeded: Seeded
  const files = tempDir('kb-backup-files-')
  const file = join(files.dir, 'vault.kbbackup')

  beforeAll(async () => {
    src = await makeCore({ unlocked: true })
    seeded = seedVault(src)
    const res = await src.invoke('backup.export', { path: file, passphrase: PASSPHRASE, includeAudit: true })
    expect(res).toMatchObject({ ok: true })
  })
  afterAll(async () => {
    await src.dispose()
    files.cleanup()
  })

  it('seeds every exportable table and every sealed column that exists in this build', () => {
    for (const t of exportableTables(src.ctx.db, { includeAudit: true })) {
      expect(openRows(src, t).length, `rows in ${t}`).toBeGreaterThan(0)
    }
    const tables = new Set(exportableTables(src.ctx.db, { includeAudit: true }))
    for (const s of SEALED_COLUMNS.filter((c) => tables.has(c.table))) {
      const n = src.ctx.db
        .prepare(`SELECT COUNT(*) AS n FROM "${s.table}" WHERE "${s.column}" IS NOT NULL`)
        .get() as {
        n: number
      }
      expect(n.n, `sealed ${s.table}.${s.column}`).toBeGreaterThan(0)
    }
  })

  it('never writes a secret in clear: canaries are absent from the file bytes (raw, base64, hex)', () => {
    const bytes = readFileSync(file)
    const text = bytes.toString('latin1')
    expect(seeded.canaries.length).toBeGreaterThan(4)
    for (const c of seeded.canaries) {
      expect(text.includes(c)).toBe(false)
      expect(text.includes(Buffer.from(c).toString('base64').slice(0, 24))).toBe(false)
      expect(text.includes(Buffer.from(c).toString('hex').slice(0, 24))).toBe(false)
    }
    expect(bytes.subarray(0, 8).toString()).toBe('KBBACKUP')
  })

  it('restores everything on a second data dir: equal rows, secrets open under the new vault key', async () => {
    const dst = await makeCore({ unlocked: true })
    try {
      const events: string[] = []
      dst.ctx.events.subscribe((name) => events.push(name))
      const res = await dst.invoke('backup.import', { path: file, passphrase: PASSPHRASE, mode: 'replace' })
      expect(res.ok).toBe(true)
      expect(events).toEqual(
        expect.arrayContaining(['backup.progress', 'backup.imported', 'credentials.changed']),
      )
      for (const t of exportableTables(src.ctx.db, { includeAudit: false })) {
        expect(openRows(dst, t), `table ${t}`).toEqual(importedRows(src, t))
      }
      expect(src.ctx.db.prepare('SELECT COUNT(*) FROM bridge_tokens').pluck().get()).toBeGreaterThan(0)
      // The audit trail comes along (plus the import's own entry).
      const srcAudit = openRows(src, AUDIT_TABLE).filter((r) => r['action'] !== 'backup_exported')
      const dstAudit = openRows(dst, AUDIT_TABLE)
      expect(dstAudit.slice(0, srcAudit.length)).toEqual(srcAudit)
      expect(dstAudit.at(-1)).toMatchObject({ action: 'backup_imported', actor: 'ui' })
      // Re-sealed under the new vault's key: the raw blobs differ, the plaintexts are equal.
      const rawSrc = src.ctx.db.prepare('SELECT secrets FROM credentials ORDER BY id').all()
      const rawDst = dst.ctx.db.prepare('SELECT secrets FROM credentials ORDER BY id').all()
      expect(rawDst).not.toEqual(rawSrc)
      const work = dst.ctx.credentials.findByRef('github/work')
      expect(dst.ctx.credentials.openSecrets(work.id).token).toMatch(/^CANARY-/)
      expect(dst.ctx.credentials.primaryFor('github')?.name).toBe('work')
    } finally {
      await dst.dispose()
    }
  })

  it('refuses to write a backup over the vault file itself, and to a missing folder', async () => {
    const before = vaultDigest(src.ctx.db)
    for (const suffix of ['', '-wal']) {
      const res = await src.invoke('backup.export', {
        path: join(src.dataDir, `vault.sqlite${suffix}`),
        passphrase: PASSPHRASE,
      })
      expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    }
    const other = join(files.dir, 'notes.txt')
    writeFileSync(other, 'not a backup')
    const clobber = await src.invoke('backup.export', { path: other, passphrase: PASSPHRASE })
    expect(clobber).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(readFileSync(other, 'utf8')).toBe('not a backup')
    const missing = await src.invoke('backup.export', {
      path: join(files.dir, 'nope', 'x.kbbackup'),
      passphrase: PASSPHRASE,
    })
    expect(missing).toMatchObject({ ok: false, error: { code: 'IO_ERROR' } })
    expect(vaultDigest(src.ctx.db)).toBe(before)
    // An older backup may be replaced (atomically).
    const again = join(files.dir, 'again.kbbackup')
    for (let i = 0; i < 2; i++) {
      expect(await src.invoke('backup.export', { path: again, passphrase: PASSPHRASE })).toMatchObject({
        ok: true,
      })
    }
    // The atomic write leaves no temporary file behind.
    expect(readdirSync(files.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('holds the plaintext only inside the encrypted document, with schema versions and $sealed cells', async () => {
    const doc = await readBackupDocument(file)
    expect(doc.includesAudit).toBe(true)
    expect(doc.schemaVersions).toMatchObject({ vault: expect.any(Number), credentials: expect.any(Number) })
    expect(Object.keys(doc.tables)).not.toContain('keyslots')
    expect(Object.keys(doc.tables)).not.toContain('vault_meta')
    expect(Object.keys(doc.tables)).not.toContain('schema_versions')
    const creds = doc.tables['credentials']
    const at = creds.columns.indexOf('secrets')
    expect(creds.rows.every((r) => typeof r[at] === 'object' && r[at] !== null && '$sealed' in r[at])).toBe(
      true,
    )
  })

  it('upgrades a backup from an older build through this build’s migrations', async () => {
    const doc = await readBackupDocument(file)
    expect(doc.schemaVersions['vault']).toBeGreaterThan(1)
    const older = join(files.dir, 'older.kbbackup')
    await writeCraftedBackup(older, { ...doc, schemaVersions: { ...doc.schemaVersions, vault: 1 } })
    const dst = await makeCore({ unlocked: true })
    try {
      const res = await dst.invoke('backup.import', { path: older, passphrase: PASSPHRASE, mode: 'replace' })
      expect(res).toMatchObject({ ok: true, data: { contents: { schemaVersions: { vault: 1 } } } })
      expect(openRows(dst, 'credentials')).toEqual(openRows(src, 'credentials'))
    } finally {
      await dst.dispose()
    }
  })

  it('round-trips through the same vault unchanged by a merge that skips (every row conflicts)', async () => {
    const before = vaultDigest(src.ctx.db)
    const res = await src.invoke('backup.import', {
      path: file,
      passphrase: PASSPHRASE,
      mode: 'merge',
      dryRun: true,
    })
    expect(res.ok).toBe(true)
    const data = (
      res as { data: { preview: { totals: { new: number; conflicts: number; incoming: number } } } }
    ).data
    // Audit rows written after the export are not in the file; everything in the file conflicts.
    expect(data.preview.totals.new).toBe(0)
    expect(data.preview.totals.conflicts).toBe(data.preview.totals.incoming)
    expect(vaultDigest(src.ctx.db)).toBe(before)
  })
})

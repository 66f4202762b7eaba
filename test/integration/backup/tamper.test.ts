import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../../shared/errors'
import { naturalKey } from '../../../electron/core/backup/natural-keys'
import { exportableTables, tableInfo } from '../../../electron/core/backup/tables'
import { SEALED_COLUMNS } from '../../../electron/core/vault/sealed-columns'
import { makeCore, tempDir } from '../../helpers/core'
import { PASSPHRASE, readBackupDocument, seedVault, vaultDigest, writeCraftedBackup } from './support'

type TestCore = Awaited<ReturnType<typeof makeCore>>

const withDigest = (body: Buffer) => Buffer.concat([body, createHash('sha256').update(body).digest()])
const body = (file: Buffer) => file.subarray(0, file.length - 32)
const headerLength = (file: Buffer) => file.readUInt32BE(8)

/** Rewrites the header JSON and recomputes the checksum: a deliberate, not an accidental, change. */
interface Header {
  version: number
  createdAt: string
  compression: string
  kdf: { iterations: number; memoryKiB: number; salt: string }
  cipher: { algorithm: string }
  [extra: string]: unknown
}

function rewriteHeader(file: Buffer, mutate: (h: Header) => void): Buffer {
  const n = headerLength(file)
  const h = JSON.parse(file.subarray(12, 12 + n).toString()) as Header
  mutate(h)
  const json = Buffer.from(JSON.stringify(h))
  const len = Buffer.alloc(4)
  len.writeUInt32BE(json.length)
  return withDigest(Buffer.concat([file.subarray(0, 8), len, json, body(file).subarray(12 + n)]))
}

function flip(file: Buffer, at: number, fixDigest: boolean): Buffer {
  const copy = Buffer.from(file)
  copy[at] ^= 0x01
  return fixDigest ? withDigest(body(copy)) : copy
}

describe('import refuses damaged, tampered, foreign and future backups and changes nothing', () => {
  let core: TestCore
  let good: Buffer
  const files = tempDir('kb-tamper-')
  const goodPath = join(files.dir, 'good.kbbackup')
  let digest: string
  let n = 0

  beforeAll(async () => {
    core = await makeCore({ unlocked: true })
    seedVault(core)
    const res = await core.invoke('backup.export', {
      path: goodPath,
      passphrase: PASSPHRASE,
      includeAudit: true,
    })
    expect(res.ok).toBe(true)
    good = readFileSync(goodPath)
    digest = vaultDigest(core.ctx.db)
  })
  afterAll(async () => {
    await core.dispose()
    files.cleanup()
  })

  async function expectRefused(
    bytes: Buffer | null,
    code: ErrorCode,
    message: RegExp,
    o: { passphrase?: string; path?: string; modes?: ('merge' | 'replace')[] } = {},
  ) {
    const path = o.path ?? join(files.dir, `case-${++n}.kbbackup`)
    if (bytes) writeFileSync(path, bytes)
    for (const mode of o.modes ?? (['merge', 'replace'] as const)) {
      const res = await core.invoke('backup.import', { path, passphrase: o.passphrase ?? PASSPHRASE, mode })
      expect(res.ok).toBe(false)
      if (res.ok) return
      expect(res.error.code).toBe(code)
      expect(res.error.message).toMatch(message)
      expect(res.error.message).not.toMatch(/CANARY/)
    }
    expect(vaultDigest(core.ctx.db)).toBe(digest)
  }

  it('wrong passphrase → BAD_PASSPHRASE', async () => {
    await expectRefused(null, 'BAD_PASSPHRASE', /passphrase does not open/, {
      path: goodPath,
      passphrase: 'not the right passphrase',
    })
  })

  it('a flipped byte in the header, the ciphertext or the tag → BACKUP_INVALID (checksum)', async () => {
    const n = headerLength(good)
    for (const at of [
      3,
      9,
      12 + 5,
      12 + Math.floor(n / 2),
      12 + n + 3,
      good.length - 40,
      good.length - 33,
      good.length - 1,
    ]) {
      await expectRefused(flip(good, at, false), 'BACKUP_INVALID', /not a usable Keybridge backup/)
    }
  })

  it('a deliberate change with the checksum recomputed fails authentication (header / ciphertext / tag)', async () => {
    const n = headerLength(good)
    await expectRefused(flip(good, 12 + n + 3, true), 'BACKUP_INVALID', /integrity check/)
    await expectRefused(flip(good, good.length - 33 - 8, true), 'BACKUP_INVALID', /integrity check/) // in the tag
    await expectRefused(
      rewriteHeader(good, (h) => (h.createdAt = '2020-01-01T00:00:00.000Z')),
      'BACKUP_INVALID',
      /integrity check/,
    )
    await expectRefused(
      rewriteHeader(good, (h) => (h.compression = 'none')),
      'BACKUP_INVALID',
      /integrity check/,
    )
    // A changed KDF parameter derives another key: it cannot be told from a wrong passphrase.
    await expectRefused(
      rewriteHeader(good, (h) => (h.kdf.iterations += 1)),
      'BAD_PASSPHRASE',
      /passphrase/,
    )
    await expectRefused(
      rewriteHeader(good, (h) => (h.kdf.salt = Buffer.alloc(16, 7).toString('base64'))),
      'BAD_PASSPHRASE',
      /passphrase/,
    )
  })

  it('a truncated file → BACKUP_INVALID', async () => {
    for (const len of [0, 5, 11, 12 + 10, Math.floor(good.length / 2), good.length - 1]) {
      await expectRefused(good.subarray(0, len), 'BACKUP_INVALID', /truncated|signature|damaged|header/)
    }
  })

  it('an unknown format version → VAULT_TOO_NEW; a malformed or hostile header → BACKUP_INVALID', async () => {
    await expectRefused(
      rewriteHeader(good, (h) => (h.version = 2)),
      'VAULT_TOO_NEW',
      /newer Keybridge/,
    )
    await expectRefused(
      rewriteHeader(good, (h) => (h.version = 0)),
      'BACKUP_INVALID',
      /version/,
    )
    await expectRefused(
      rewriteHeader(good, (h) => (h.cipher.algorithm = 'aes-128-gcm')),
      'BACKUP_INVALID',
      /cipher/,
    )
    await expectRefused(
      rewriteHeader(good, (h) => (h.kdf.memoryKiB = 16 * 1024 * 1024)),
      'BACKUP_INVALID',
      /memory/,
    )
    await expectRefused(
      rewriteHeader(good, (h) => (h.extra = 1)),
      'BACKUP_INVALID',
      /header/,
    )
    await expectRefused(
      Buffer.from('definitely not a backup file at all, just text'),
      'BACKUP_INVALID',
      /signature/,
    )
  })

  it('a missing file → IO_ERROR', async () => {
    await expectRefused(null, 'IO_ERROR', /no backup file/, { path: join(files.dir, 'missing.kbbackup') })
  })

  it('a backup from a newer build (schema version or unknown module) → VAULT_TOO_NEW', async () => {
    const doc = await readBackupDocument(goodPath)
    const future = { ...doc, schemaVersions: { ...doc.schemaVersions, credentials: 99 } }
    const p1 = join(files.dir, 'future-schema.kbbackup')
    await writeCraftedBackup(p1, future)
    await expectRefused(null, 'VAULT_TOO_NEW', /newer Keybridge \(credentials schema 99/, { path: p1 })
    const p2 = join(files.dir, 'future-module.kbbackup')
    await writeCraftedBackup(p2, { ...doc, schemaVersions: { ...doc.schemaVersions, teleporter: 1 } })
    await expectRefused(null, 'VAULT_TOO_NEW', /teleporter/, { path: p2 })
  })

  it('a document that breaks the schema → BACKUP_INVALID (JSON schema, constraints, sealed columns)', async () => {
    const doc = await readBackupDocument(goodPath)
    const creds = doc.tables['credentials']
    const at = (c: string) => creds.columns.indexOf(c)
    const variants: [string, unknown, RegExp][] = [
      ['not a document', { hello: 'world' }, /content is not valid/],
      [
        'wrong row width',
        { ...doc, tables: { ...doc.tables, credentials: { ...creds, rows: [[1, 2]] } } },
        /content is not valid/,
      ],
      ['unknown table', { ...doc, tables: { ...doc.tables, keyslots: creds } }, /keyslots/],
      [
        'unknown column',
        {
          ...doc,
          tables: {
            ...doc.tables,
            credentials: { ...creds, columns: [...creds.columns.slice(0, -1), 'nope'] },
          },
        },
        /no column "nope"/,
      ],
      [
        'a CHECK constraint',
        {
          ...doc,
          tables: {
            ...doc.tables,
            credentials: {
              ...creds,
              rows: creds.rows.map((r) => r.map((c, i) => (i === at('status') ? 'bogus' : c))),
            },
          },
        },
        /CHECK constraint/,
      ],
      [
        'plaintext where a sealed value belongs',
        {
          ...doc,
          tables: {
            ...doc.tables,
            credentials: {
              ...creds,
              rows: creds.rows.map((r) => r.map((c, i) => (i === at('secrets') ? 'plain' : c))),
            },
          },
        },
        /sealed column/,
      ],
      [
        'a secret in an unsealed column',
        {
          ...doc,
          tables: {
            ...doc.tables,
            credentials: {
              ...creds,
              rows: creds.rows.map((r) => r.map((c, i) => (i === at('name') ? { $sealed: 'AAAA' } : c))),
            },
          },
        },
        /does not keep sealed/,
      ],
    ]
    for (const [what, variant, message] of variants) {
      const p = join(files.dir, `schema-${what.replace(/\W+/g, '-')}.kbbackup`)
      await writeCraftedBackup(p, variant)
      await expectRefused(null, 'BACKUP_INVALID', message, { path: p })
    }
  })

  it('a merge that hits a constraint half-way rolls back everything it wrote', async () => {
    // A table with a UNIQUE column besides its natural key (ha_instances.slug in this build): a
    // backup row new by natural key but clashing on that column fails after credentials were added.
    const clash = exportableTables(core.ctx.db, { includeAudit: false })
      .map((n) => tableInfo(core.ctx.db, n, SEALED_COLUMNS))
      .map((t) => ({
        t,
        u: t.uniqueKeys.find((u) => u.columns.length === 1 && u.columns[0] !== naturalKey(t).columns.join()),
      }))
      .find((x) => x.u && x.t.name > 'credentials')
    expect(clash, 'a table with a second UNIQUE column').toBeTruthy()
    const { t, u } = clash!
    const other = await makeCore({ unlocked: true })
    try {
      seedVault(other, 'other')
      const col = u!.columns[0]
      const taken = core.ctx.db.prepare(`SELECT "${col}" AS v FROM "${t.name}" LIMIT 1`).get() as {
        v: unknown
      }
      other.ctx.db
        .prepare(`UPDATE "${t.name}" SET "${col}" = ? WHERE rowid = (SELECT MIN(rowid) FROM "${t.name}")`)
        .run(taken.v)
      const p = join(files.dir, 'half.kbbackup')
      expect((await other.invoke('backup.export', { path: p, passphrase: PASSPHRASE })).ok).toBe(true)
      await expectRefused(null, 'CONFLICT', /could not be applied.*UNIQUE.*Nothing was changed/, {
        path: p,
        modes: ['merge'],
      })
      expect(() => core.ctx.credentials.findByRef('notion/other-only')).toThrow()
    } finally {
      await other.dispose()
    }
  })
})

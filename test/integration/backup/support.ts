import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import type { Core } from '../../../electron/core/app'
import { BackupDocument } from '../../../electron/core/backup/document'
import { newHeader, sealContainer } from '../../../electron/core/backup/format'
import { deriveMaster, keyCheck, newBackupKdf, splitKeys } from '../../../electron/core/backup/kdf'
import { exportableTables, quoteId, tableInfo, type TableInfo } from '../../../electron/core/backup/tables'
import type { Db } from '../../../electron/core/vault/database'
import { SEALED_COLUMNS, sealLocation } from '../../../electron/core/vault/sealed-columns'
import { TEST_KDF } from '../../helpers/core'

export const PASSPHRASE = 'a long backup passphrase'

/** A hash of every row of every table (internal ones too): equal before/after means "unchanged". */
export function vaultDigest(db: Db, except: string[] = []): string {
  const h = createHash('sha256')
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string
  }[]
  for (const { name } of tables) {
    if (except.includes(name)) continue
    h.update(`\u0000table ${name}\u0000`)
    const rows = db
      .prepare(`SELECT * FROM ${quoteId(name)}`)
      .raw(true)
      .all() as unknown[][]
    const lines = rows.map((r) =>
      JSON.stringify(r, (_k, v) =>
        v && typeof v === 'object' && v.type === 'Buffer'
          ? `b64:${Buffer.from(v.data).toString('base64')}`
          : v,
      ),
    )
    for (const l of lines.sort()) h.update(l + '\n')
  }
  return h.digest('hex')
}

type Row = Record<string, unknown>

/** Every row of a table with sealed columns opened under that vault's key (so vaults compare by content). */
export function openRows(core: Core, table: string): Row[] {
  const t = tableInfo(core.ctx.db, table, SEALED_COLUMNS)
  const rows = core.ctx.db.prepare(`SELECT * FROM ${quoteId(table)}`).all() as Row[]
  for (const r of rows) {
    for (const s of t.sealed) {
      if (r[s.column] === null) continue
      r[s.column] = core.ctx.keyring.openString(sealLocation(s, String(r[s.idColumn])), r[s.column] as Buffer)
    }
  }
  const order = t.primaryKey.length ? t.primaryKey : t.columns.map((c) => c.name)
  return rows.sort((a, b) =>
    JSON.stringify(order.map((c) => a[c])) < JSON.stringify(order.map((c) => b[c])) ? -1 : 1,
  )
}

/** Random secrets planted in every sealed column: they must never appear in a backup file. */
export function canary(): string {
  return `CANARY-${randomBytes(12).toString('hex')}`
}

function checkInList(sql: string, column: string): string[] | null {
  const re = new RegExp(`CHECK\\s*\\(\\s*"?${column}"?\\s+IN\\s*\\(([^)]*)\\)`, 'i')
  const m = re.exec(sql)
  if (!m) return null
  return [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'"))
}

/**
 * Inserts `count` plausible rows into a table this test knows nothing about: values by declared
 * type, CHECK (col IN (...)) honoured, foreign keys pointed at existing parent rows, and a canary
 * secret sealed into every sealed column. Returns the canaries, or throws with the reason.
 */
export function synthesizeRows(core: Core, t: TableInfo, count: number, tag: string): string[] {
  const db = core.ctx.db
  const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(t.name) as { sql: string }).sql
  const canaries: string[] = []
  for (let i = 0; i < count; i++) {
    const row: Row = {}
    for (const c of t.columns) {
      const fk = t.foreignKeys.find((f) => f.from === c.name)
      const sealed = t.sealed.find((s) => s.column === c.name)
      const allowed = checkInList(sql, c.name)
      if (sealed) continue
      if (fk) {
        const parent = db
          .prepare(`SELECT ${fk.to ? quoteId(fk.to) : 'rowid'} AS v FROM ${quoteId(fk.table)} LIMIT 1`)
          .get() as { v: unknown } | undefined
        row[c.name] = parent?.v ?? null
      } else if (allowed?.length) row[c.name] = allowed[i % allowed.length]
      else if (c.hasDefault && c.pk === 0) continue
      else if (c.type.includes('INT')) row[c.name] = c.pk ? 1_000_000 + i : i + 1
      else if (c.type.includes('REAL') || c.type.includes('FLOA') || c.type.includes('DOUB'))
        row[c.name] = i + 0.5
      else if (c.type.includes('BLOB')) row[c.name] = randomBytes(8)
      else row[c.name] = `${tag}-${t.name}-${c.name}-${i}`
    }
    for (const s of t.sealed) {
      const secret = canary()
      canaries.push(secret)
      const id = row[s.idColumn]
      row[s.column] = core.ctx.keyring.seal(sealLocation(s, String(id)), JSON.stringify({ secret }))
    }
    const cols = Object.keys(row)
    db.prepare(
      `INSERT INTO ${quoteId(t.name)} (${cols.map(quoteId).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    ).run(...cols.map((c) => row[c]))
  }
  return canaries
}

export interface Seeded {
  canaries: string[]
  /** Tables the seeding filled, by name. */
  filled: string[]
}

/**
 * A vault with every kind of object that exists in this build: credentials (several services,
 * several accounts, one primary each) and settings through their real APIs, audit entries, and
 * rows synthesised for every other table found in sqlite_master (HA instances, bridge tokens,
 * tool permissions, upstreams, and whatever features add later).
 */
/**
 * The rows an import brings over, as the import policy shapes them (backup/import-policy.ts): client
 * tokens are never imported, upstream servers arrive disabled; every other table comes over as is.
 */
export function importedRows(src: Core, table: string): Row[] {
  if (table === 'bridge_tokens') return []
  const rows = openRows(src, table)
  return table === 'bridge_upstreams' ? rows.map((r) => ({ ...r, enabled: 0 })) : rows
}

export function seedVault(core: Core, tag = 'src', o: { synthesize?: boolean } = {}): Seeded {
  const canaries: string[] = []
  const mk = (service: string, name: string) => {
    const secret = canary()
    canaries.push(secret)
    core.ctx.credentials.create(
      {
        service,
        name,
        account: `${name}@example.test`,
        fields: { site: `https://${service}.example.test` },
        secrets: { token: secret },
        status: 'active',
        lastValidatedAt: 1_700_000_000_000,
        validationError: null,
        expiresAt: null,
        metadata: { tag },
      },
      'ui',
    )
  }
  mk('github', 'work')
  mk('github', 'personal')
  mk('openai', 'main')
  mk('notion', `${tag}-only`)
  core.ctx.settings.set('backup.test.setting', { tag, n: 42 })
  core.ctx.settings.set(`only.${tag}`, true)
  const handled = new Set(['credentials', 'settings', 'audit_log'])
  const filled = ['credentials', 'settings', 'audit_log']
  for (const name of exportableTables(core.ctx.db, { includeAudit: true })) {
    if (handled.has(name) || o.synthesize === false) continue
    const t = tableInfo(core.ctx.db, name, SEALED_COLUMNS)
    canaries.push(...synthesizeRows(core, t, 2, tag))
    filled.push(name)
  }
  return { canaries, filled }
}

/** Writes a backup file from an arbitrary document (for schema and version tests). */
export async function writeCraftedBackup(path: string, doc: unknown, passphrase = PASSPHRASE): Promise<void> {
  const kdf = newBackupKdf(TEST_KDF)
  const keys = splitKeys(await deriveMaster(passphrase, kdf), kdf.salt)
  const header = newHeader({
    kdf,
    keyCheck: keyCheck(keys),
    createdAt: Date.now(),
    app: 'test',
    compression: 'deflate',
  })
  writeFileSync(path, sealContainer(header, keys, deflateSync(Buffer.from(JSON.stringify(doc)))))
}

export { BackupDocument }

/** Decrypts a backup file the way an import does, for assertions on its document. */
export async function readBackupDocument(path: string, passphrase = PASSPHRASE): Promise<BackupDocument> {
  const { readFileSync } = await import('node:fs')
  const { inflateSync } = await import('node:zlib')
  const { parseContainer, openContainer } = await import('../../../electron/core/backup/format')
  const c = parseContainer(readFileSync(path))
  const keys = splitKeys(await deriveMaster(passphrase, c.kdf), c.kdf.salt)
  const payload = openContainer(c, keys)
  if (!payload) throw new Error('does not open')
  return BackupDocument.parse(JSON.parse(inflateSync(payload).toString('utf8')))
}

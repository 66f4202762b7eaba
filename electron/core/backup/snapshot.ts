import type { Db } from '../vault/database'
import type { Keyring } from '../vault/keyring'
import { sealLocation, type SealedColumn } from '../vault/sealed-columns'
import { DOCUMENT_KIND, encodeValue, type BackupDocument, type Cell } from './document'
import { exportableTables, quoteId } from './tables'

export interface SnapshotOptions {
  db: Db
  keyring: Keyring
  sealed: readonly SealedColumn[]
  includeAudit: boolean
  appVersion: string
  now: number
  onProgress?(done: number, total: number): void
}

/**
 * Reads the whole vault in one read transaction (a consistent snapshot) into a BackupDocument,
 * opening every sealed column: the plaintext lives only in this in-memory document, which the
 * caller encrypts. Needs the vault unlocked.
 */
export function snapshotVault(o: SnapshotOptions): BackupDocument {
  const { db } = o
  o.keyring.require()
  return db.transaction(() => {
    const names = exportableTables(db, { includeAudit: o.includeAudit })
    const counts = names.map(
      (n) => (db.prepare(`SELECT COUNT(*) AS n FROM ${quoteId(n)}`).get() as { n: number }).n,
    )
    const total = counts.reduce((a, b) => a + b, 0)
    let done = 0
    o.onProgress?.(0, total)
    const tables: BackupDocument['tables'] = {}
    for (const name of names) {
      const stmt = db
        .prepare(`SELECT * FROM ${quoteId(name)}`)
        .raw(true)
        .safeIntegers(true)
      const columns = stmt.columns().map((c) => c.name)
      const sealedAt = o.sealed
        .filter((s) => s.table === name)
        .map((s) => ({ col: s, at: columns.indexOf(s.column), idAt: columns.indexOf(s.idColumn) }))
        .filter((s) => s.at >= 0 && s.idAt >= 0)
      const rows: Cell[][] = []
      for (const raw of stmt.iterate() as IterableIterator<unknown[]>) {
        const row = raw.map(encodeValue)
        for (const s of sealedAt) {
          const blob = raw[s.at]
          if (blob === null) continue
          const id = raw[s.idAt] as string | bigint
          row[s.at] = {
            $sealed: o.keyring.open(sealLocation(s.col, String(id)), blob as Buffer).toString('base64'),
          }
        }
        rows.push(row)
        if (++done % 1000 === 0) o.onProgress?.(done, total)
      }
      tables[name] = { columns, rows }
    }
    o.onProgress?.(total, total)
    const versions = db.prepare('SELECT module, version FROM schema_versions').all() as {
      module: string
      version: number
    }[]
    return {
      kind: DOCUMENT_KIND,
      createdAt: o.now,
      appVersion: o.appVersion,
      schemaVersions: Object.fromEntries(versions.map((v) => [v.module, v.version])),
      includesAudit: o.includeAudit,
      tables,
    } satisfies BackupDocument
  })()
}

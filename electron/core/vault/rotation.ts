import { open, seal } from './crypto'
import type { Db } from './database'
import { SEALED_COLUMNS, sealLocation, type SealedColumn } from './sealed-columns'

export interface KeyPair {
  oldKey: Buffer
  oldVersion: number
  newKey: Buffer
  newVersion: number
}

/** Rows per progress report: cheap enough to emit, frequent enough for a progress bar. */
const PROGRESS_EVERY = 500

export function countSealed(db: Db, columns: readonly SealedColumn[] = SEALED_COLUMNS): number {
  let n = 0
  for (const c of columns) {
    const row = db
      .prepare(`SELECT COUNT(*) AS n FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`)
      .get() as { n: number }
    n += row.n
  }
  return n
}

/**
 * Opens every sealed blob under the old key and seals it under the new one. Must run inside the
 * caller's transaction: a failure (or a crash) part-way leaves every row under the old key.
 * A blob that does not open (tampered) aborts the rotation rather than being dropped.
 */
export function resealAll(
  db: Db,
  keys: KeyPair,
  onProgress?: (done: number, total: number) => void,
  columns: readonly SealedColumn[] = SEALED_COLUMNS,
): number {
  const total = countSealed(db, columns)
  let done = 0
  onProgress?.(0, total)
  for (const c of columns) {
    const select = db.prepare(
      `SELECT "${c.idColumn}" AS id, "${c.column}" AS blob FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`,
    )
    const update = db.prepare(`UPDATE "${c.table}" SET "${c.column}" = ? WHERE "${c.idColumn}" = ?`)
    // Read all first: better-sqlite3 cannot write while an iterator on the same connection is open.
    const rows = select.all() as { id: string | number; blob: Buffer }[]
    for (const r of rows) {
      const loc = sealLocation(c, r.id)
      const plain = open(keys.oldKey, keys.oldVersion, loc, r.blob)
      try {
        update.run(seal(keys.newKey, keys.newVersion, loc, plain), r.id)
      } finally {
        plain.fill(0)
      }
      done++
      if (done % PROGRESS_EVERY === 0) onProgress?.(done, total)
    }
  }
  onProgress?.(done, total)
  return done
}

import Database from 'better-sqlite3'
import { AppError } from '../../../shared/errors'
import type { Db } from '../vault/database'
import { applyMigrations, type Migration } from '../vault/migrations'
import type { SealedColumn } from '../vault/sealed-columns'
import { decodeCell, type BackupDocument } from './document'
import { INTERNAL_TABLES, quoteId } from './tables'

export type ModuleMigrations = readonly (readonly [string, readonly Migration[]])[]

const invalid = (why: string) =>
  new AppError(
    'BACKUP_INVALID',
    `This backup's content does not fit the vault schema: ${why}. Nothing was changed.`,
  )

/** SQLite constraint messages name tables, columns and constraints, never values. */
function sqliteReason(e: unknown): string {
  return String((e as Error)?.message ?? 'error')
    .split('\n')[0]
    .slice(0, 200)
}

/** Refuses a backup written by a newer build: a module schema above what this build knows. */
export function checkSchemaVersions(doc: BackupDocument, modules: ModuleMigrations): void {
  const known = new Map(modules.map(([m, migs]) => [m, migs.length]))
  for (const [module, version] of Object.entries(doc.schemaVersions)) {
    const latest = known.get(module)
    if (latest === undefined) {
      if (version === 0) continue
      throw new AppError(
        'VAULT_TOO_NEW',
        `This backup holds data of "${module}", which this build of Keybridge does not know (a newer Keybridge wrote it). Update Keybridge to import it.`,
      )
    }
    if (version > latest) {
      throw new AppError(
        'VAULT_TOO_NEW',
        `This backup was written by a newer Keybridge (${module} schema ${version}, this build knows ${latest}). Update Keybridge to import it.`,
      )
    }
  }
}

/**
 * Loads a backup into an in-memory SQLite database built by this build's own migrations: first up
 * to the backup's schema versions, then the rows, then the remaining migrations. So an older
 * backup is upgraded exactly like an older vault, and every constraint (NOT NULL, CHECK, UNIQUE,
 * foreign keys) is verified before the real vault is touched. Sealed columns hold plaintext here:
 * the database lives in memory only (temp_store = MEMORY), and the caller closes it.
 */
export function stageDocument(
  doc: BackupDocument,
  modules: ModuleMigrations,
  sealed: readonly SealedColumn[],
): Db {
  checkSchemaVersions(doc, modules)
  const db = new Database(':memory:')
  try {
    db.pragma('temp_store = MEMORY')
    db.pragma('foreign_keys = OFF')
    for (const [module, migs] of modules) {
      const v = doc.schemaVersions[module] ?? 0
      if (v > 0) applyMigrations(db, module, migs.slice(0, v))
    }
    const existing = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    db.transaction(() => {
      for (const [table, dump] of Object.entries(doc.tables)) {
        if (INTERNAL_TABLES.has(table) || table.startsWith('sqlite_') || !existing.has(table)) {
          throw invalid(`it has a table "${table}" that its schema versions do not define`)
        }
        const known = new Set(
          (db.prepare(`PRAGMA table_info(${quoteId(table)})`).all() as { name: string }[]).map((c) => c.name),
        )
        const unknown = dump.columns.find((c) => !known.has(c))
        if (unknown) throw invalid(`table "${table}" has no column "${unknown}"`)
        // The backup is authoritative for the tables it carries (migrations may have seeded defaults).
        db.prepare(`DELETE FROM ${quoteId(table)}`).run()
        const isSealed = dump.columns.map((c) => sealed.some((s) => s.table === table && s.column === c))
        const insert = db.prepare(
          `INSERT INTO ${quoteId(table)} (${dump.columns.map(quoteId).join(', ')}) VALUES (${dump.columns.map(() => '?').join(', ')})`,
        )
        dump.rows.forEach((cells, r) => {
          const values = cells.map((cell, i) => {
            const { value, sealed: marked } = decodeCell(cell)
            if (value !== null && marked !== isSealed[i]) {
              throw invalid(
                marked
                  ? `"${table}.${dump.columns[i]}" carries a secret this build does not keep sealed`
                  : `"${table}.${dump.columns[i]}" is a sealed column but row ${r + 1} does not carry it as a secret`,
              )
            }
            return value
          })
          try {
            insert.run(...values)
          } catch (e) {
            throw invalid(`table "${table}", row ${r + 1}: ${sqliteReason(e)}`)
          }
        })
      }
    })()
    for (const [module, migs] of modules) {
      try {
        applyMigrations(db, module, migs)
      } catch (e) {
        throw invalid(`upgrading its ${module} data failed (${sqliteReason(e)})`)
      }
    }
    const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[]
    if (broken.length) {
      throw invalid(`a row of "${broken[0].table}" points at a missing row of "${broken[0].parent}"`)
    }
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

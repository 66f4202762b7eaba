import Database from 'better-sqlite3'
import type { Db } from '../../vault/database'

/** The vault file opened read-only (nothing the doctor does can change it), or SQLite's reason why not. */
export function openReadOnly(file: string): { db: Db } | { error: string } {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get()
      return { db }
    } catch (e) {
      db.close()
      return { error: (e as Error).message }
    }
  } catch (e) {
    return { error: (e as Error).message }
  }
}

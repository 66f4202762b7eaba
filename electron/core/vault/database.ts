import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { AppError } from '../../../shared/errors'

export type Db = Database.Database

/**
 * Opens the vault file. WAL for concurrent readers (the CLI and the app may both open it),
 * synchronous=FULL because an acknowledged secret write must survive a power cut.
 */
export function openDatabase(file: string): Db {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  let db: Db
  try {
    db = new Database(file)
  } catch (e) {
    const message = (e as Error).message
    // After `npm start` the SQLite module is built for Electron's ABI, not Node's.
    if (/NODE_MODULE_VERSION|did not self-register|invalid ELF|wrong ELF/.test(message)) {
      throw new AppError(
        'IO_ERROR',
        'The SQLite module is built for another runtime (Electron). Run "node electron/tools/ensure-native.mjs node" and try again.',
      )
    }
    throw new AppError('IO_ERROR', `The vault file could not be opened (${message}).`)
  }
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('secure_delete = ON')
  // Sorts and temp tables stay in memory: nothing derived from the vault lands in stray temp files.
  db.pragma('temp_store = MEMORY')
  return db
}

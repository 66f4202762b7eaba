import { AppError } from '../../../shared/errors'

/** The vault's file name inside the data dir. */
export const VAULT_FILE = 'vault.sqlite'

/** SQLite's own words for a file it cannot trust (SQLITE_CORRUPT, SQLITE_NOTADB). */
export function isCorruption(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

/** The one message for a vault SQLite does not trust: which file, SQLite's words, the way out. */
export function damagedVault(file: string, sqliteSays: string): AppError {
  return new AppError(
    'VAULT_DAMAGED',
    `The vault file ${file} is damaged (SQLite: ${sqliteSays}). Nothing was changed. ` +
      'Run "keybridge doctor" for details; to restore a backup, move the file aside, then run ' +
      '"keybridge init" and "keybridge import BACKUP".',
  )
}

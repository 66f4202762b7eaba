import { integrityProblems } from '../../../vault/database'
import type { DoctorCheck } from '../types'

const RESTORE =
  'Restore a backup: move the vault file aside, then "keybridge init" and "keybridge import BACKUP --mode replace".'

/** SQLite's full integrity_check (b-trees and every index against its table), read-only. */
export const vaultIntegrityCheck: DoctorCheck = {
  id: 'vault-integrity',
  title: 'Vault file integrity (SQLite integrity_check)',
  run(d) {
    const opened = d.readOnlyDb()
    if ('error' in opened) {
      return [
        {
          check: this.id,
          status: 'problem',
          message: `${d.vaultFile} does not open as a database (SQLite: ${opened.error}).`,
          fix: RESTORE,
        },
      ]
    }
    let problems: string[]
    try {
      problems = integrityProblems(opened.db, 'integrity_check', 20)
    } catch (e) {
      problems = [(e as Error).message]
    }
    if (problems.length === 0)
      return [{ check: this.id, status: 'ok', message: `${d.vaultFile}: integrity_check ok.` }]
    return [
      {
        check: this.id,
        status: 'problem',
        message: `${d.vaultFile} is damaged (SQLite: ${problems.join('; ')}). Keybridge refuses to write to it.`,
        fix: RESTORE,
      },
    ]
  },
}

import type { Core } from '../../app'
import type { Db } from '../../vault/database'

/** One line of the doctor's report. A problem always says how to fix it. */
export type DoctorFinding =
  | { check: string; status: 'ok' | 'info' | 'skipped'; message: string }
  | { check: string; status: 'problem'; message: string; fix: string }

export interface DoctorContext {
  dataDir: string
  vaultFile: string
  env: Record<string, string | undefined>
  /** A read-only connection to the vault file (opened once), or why it does not open. */
  readOnlyDb(): { db: Db } | { error: string }
  /**
   * The unlocked core, when the file passes SQLite's checks and the master password is given (and
   * correct); otherwise why not. A wrong password is a problem, reported by the sealed-rows check.
   */
  unlocked(): Promise<{ core: Core } | { skipped: string; wrongPassword?: boolean }>
}

/**
 * One check of `keybridge doctor`. Each lives in its own module under doctor/checks and is listed
 * once in doctor/index.ts; checks never change the vault.
 */
export interface DoctorCheck {
  id: string
  title: string
  run(d: DoctorContext): Promise<DoctorFinding[]> | DoctorFinding[]
}

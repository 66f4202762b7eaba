import { bridgePortCheck } from './checks/bridge-port'
import { fileModesCheck } from './checks/file-modes'
import { rowIntegrityCheck } from './checks/row-integrity'
import { sealedRowsCheck } from './checks/sealed-rows'
import { vaultIntegrityCheck } from './checks/vault-integrity'
import { versionsCheck } from './checks/versions'
export { openReadOnly } from './read-only'
import type { DoctorCheck, DoctorContext, DoctorFinding } from './types'

/**
 * Every check `keybridge doctor` runs, in order. A feature adds its own: one module, one line here.
 * Checks that need the unlocked core come last: opening it repairs file modes (vault/file-modes.ts),
 * so the file-modes check must see the folder first.
 */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  vaultIntegrityCheck,
  fileModesCheck,
  bridgePortCheck,
  versionsCheck,
  sealedRowsCheck,
  rowIntegrityCheck,
]

/** Runs every check; one that throws is reported as a problem of its own, never hidden. */
export async function runDoctor(d: DoctorContext, checks = DOCTOR_CHECKS): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = []
  for (const c of checks) {
    try {
      out.push(...(await c.run(d)))
    } catch (e) {
      out.push({
        check: c.id,
        status: 'problem',
        message: `${c.title}: the check itself failed (${(e as Error)?.message ?? 'error'}).`,
        fix: 'Report this with the output of "keybridge doctor --json".',
      })
    }
  }
  return out
}

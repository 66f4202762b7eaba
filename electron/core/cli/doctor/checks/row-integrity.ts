import { invokeAsCli } from '../../invoke'
import type { DoctorCheck, DoctorFinding } from '../types'

/** Rows changed outside Keybridge (row MACs) and a rolled-back vault file (vault.integrity). */
export const rowIntegrityCheck: DoctorCheck = {
  id: 'row-integrity',
  title: 'Rows signed by Keybridge, no rollback',
  async run(d) {
    const u = await d.unlocked()
    if ('skipped' in u) return [{ check: this.id, status: 'skipped', message: u.skipped }]
    const report = await invokeAsCli(u.core, 'vault.integrity', undefined)
    const out: DoctorFinding[] = report.tampered.map((t) => ({
      check: this.id,
      status: 'problem' as const,
      message: t.message,
      fix: `Review the ${t.what} "${t.label}" and delete it if you did not make the change (then add it again), or restore a backup.`,
    }))
    if (report.rollback) {
      out.push({
        check: this.id,
        status: 'problem',
        message: report.rollback.message,
        fix: 'If you restored this vault file yourself, accept it in the desktop app (the integrity banner); otherwise restore your latest backup.',
      })
    }
    if (out.length === 0) {
      out.push({
        check: this.id,
        status: 'ok',
        message: `Every signed row verifies${report.rollbackDetection ? '; no rollback' : ' (rollback detection needs the OS keychain: not here)'}.`,
      })
    }
    return out
  },
}

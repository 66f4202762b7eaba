import type { DoctorCheck, DoctorFinding } from '../types'

/**
 * Rows that decide where a secret goes or who may use it, changed outside Keybridge (their row MAC
 * fails), and a vault file older than the generation seen outside it: the same report as the
 * desktop's banner (`vault.integrity`). Detection is audited; nothing else is written.
 */
export const rowIntegrityCheck: DoctorCheck = {
  id: 'row-integrity',
  title: 'Rows changed outside Keybridge, and rollback',
  async run(d) {
    const u = await d.unlocked()
    if ('skipped' in u) return [{ check: this.id, status: 'skipped', message: u.skipped }]
    const r = u.core.ctx.integrity.report()
    const out: DoctorFinding[] = []
    if (r.rollback) {
      out.push({
        check: this.id,
        status: 'problem',
        message: r.rollback.message,
        fix: 'If you restored this vault yourself, accept it: the desktop app\'s banner, or "keybridge doctor --accept-rollback"; otherwise restore your latest backup ("keybridge import BACKUP --mode replace") and revoke the client tokens.',
      })
    }
    for (const t of r.tampered) {
      out.push({
        check: this.id,
        status: 'problem',
        message: t.message,
        fix:
          t.table === 'vault_meta'
            ? 'Restore your latest backup ("keybridge import BACKUP --mode replace").'
            : `Review it, then delete it and add it again (${t.what} "${t.label}"); until then Keybridge refuses it.`,
      })
    }
    if (out.length === 0) {
      out.push({
        check: this.id,
        status: 'ok',
        message: `Every authenticated row verifies${r.rollbackDetection ? '; the vault file is not older than the one last seen' : ' (no generation is kept outside the file here: a whole-file rollback cannot be detected in password-only mode)'}.`,
      })
    }
    return out
  },
}

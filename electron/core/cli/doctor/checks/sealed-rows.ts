import { open, sealedKeyVersion } from '../../../vault/crypto'
import { SEALED_COLUMNS, sealLocation } from '../../../vault/sealed-columns'
import type { DoctorCheck, DoctorFinding } from '../types'

/** Every sealed value (credential secrets, upstream env, HA tokens, backup keys) opens under the vault key. */
export const sealedRowsCheck: DoctorCheck = {
  id: 'sealed-rows',
  title: 'Sealed values open under the vault key',
  async run(d) {
    const u = await d.unlocked()
    if ('skipped' in u) {
      if (u.wrongPassword) {
        return [
          {
            check: this.id,
            status: 'problem',
            message: 'That master password is not correct, so the sealed values were not checked.',
            fix: 'Give the master password of this vault (KEYBRIDGE_PASSWORD, --password-file or the prompt).',
          },
        ]
      }
      return [{ check: this.id, status: 'skipped', message: u.skipped }]
    }
    const { db, keyring } = u.core.ctx
    const { key, version } = keyring.require()
    const out: DoctorFinding[] = []
    let total = 0
    for (const col of SEALED_COLUMNS) {
      const exists = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(col.table)
      if (!exists) continue
      const rows = db
        .prepare(
          `SELECT "${col.idColumn}" AS id, "${col.column}" AS blob FROM "${col.table}" WHERE "${col.column}" IS NOT NULL`,
        )
        .all() as { id: string | number; blob: Buffer }[]
      const bad: string[] = []
      for (const r of rows) {
        total++
        try {
          open(key, version, sealLocation(col, r.id), r.blob).fill(0)
        } catch {
          bad.push(`${r.id}${sealedKeyVersion(r.blob) !== version ? ' (another key version)' : ''}`)
        }
      }
      if (bad.length) {
        out.push({
          check: this.id,
          status: 'problem',
          message: `${bad.length} sealed value(s) in ${col.table}.${col.column} do not open (damaged, tampered with, or sealed under another key): ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}.`,
          fix: 'Enter those secrets again (remove and re-add the entry), or restore a backup made before the damage.',
        })
      }
    }
    if (out.length === 0)
      out.push({
        check: this.id,
        status: 'ok',
        message: `All ${total} sealed value(s) open under key version ${version}.`,
      })
    return out
  },
}

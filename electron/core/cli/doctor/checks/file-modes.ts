import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { DoctorCheck, DoctorFinding } from '../types'

/** The data folder is the owner's alone (0700), and so is every file in it (0600). POSIX only. */
export const fileModesCheck: DoctorCheck = {
  id: 'file-modes',
  title: 'Folder and file permissions',
  run(d) {
    if (process.platform === 'win32')
      return [
        { check: this.id, status: 'skipped', message: 'Windows: the folder inherits the user profile ACL.' },
      ]
    const out: DoctorFinding[] = []
    const uid = process.getuid?.()
    const dir = statSync(d.dataDir)
    if (dir.mode & 0o077) {
      out.push({
        check: this.id,
        status: 'problem',
        message: `${d.dataDir} is open to other users (mode ${(dir.mode & 0o777).toString(8)}).`,
        fix: `chmod 700 '${d.dataDir}'`,
      })
    }
    for (const name of readdirSync(d.dataDir)) {
      const path = join(d.dataDir, name)
      const st = statSync(path)
      if (!st.isFile()) continue
      if (st.mode & 0o077) {
        out.push({
          check: this.id,
          status: 'problem',
          message: `${path} is readable or writable by other users (mode ${(st.mode & 0o777).toString(8)}).`,
          fix: `chmod 600 '${path}' (any keybridge command that opens the vault also repairs it)`,
        })
      }
      if (uid !== undefined && st.uid !== uid) {
        out.push({
          check: this.id,
          status: 'problem',
          message: `${path} belongs to another user (uid ${st.uid}).`,
          fix: `sudo chown ${uid} '${path}'`,
        })
      }
    }
    if (out.length === 0)
      out.push({
        check: this.id,
        status: 'ok',
        message: `${d.dataDir} (700) and its files (600) are yours alone.`,
      })
    return out
  },
}

import { APP_VERSION } from '../../../version'
import type { DoctorCheck } from '../types'

/** What runs here, for bug reports: Keybridge, the runtime, SQLite and each feature's schema. */
export const versionsCheck: DoctorCheck = {
  id: 'versions',
  title: 'Versions',
  run(d) {
    const runtime = process.versions.electron
      ? `Electron ${process.versions.electron} (Node ${process.versions.node})`
      : `Node ${process.versions.node}`
    const parts = [`Keybridge ${APP_VERSION}`, runtime, `${process.platform}-${process.arch}`]
    const opened = d.readOnlyDb()
    if (!('error' in opened)) {
      try {
        const sqlite = opened.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }
        parts.push(`SQLite ${sqlite.v}`)
        const schemas = opened.db
          .prepare('SELECT module, version FROM schema_versions ORDER BY module')
          .all() as {
          module: string
          version: number
        }[]
        parts.push(`schemas ${schemas.map((s) => `${s.module} ${s.version}`).join(', ')}`)
      } catch {
        // A damaged file: the integrity check reports it.
      }
    }
    return [{ check: this.id, status: 'info', message: parts.join('; ') + '.' }]
  },
}

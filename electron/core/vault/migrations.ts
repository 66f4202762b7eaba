import { AppError } from '../../../shared/errors'
import type { Db } from './database'

export interface Migration {
  version: number
  name: string
  up(db: Db): void
}

/**
 * Each feature (vault, bridge, homeassistant, ...) owns a numbered list of migrations and its own
 * row in `schema_versions`, so features evolve their tables independently. A file written by a
 * newer Keybridge (a stored version above what this build knows) is refused, never downgraded.
 */
export function applyMigrations(db: Db, module: string, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_versions (
    module TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL)`)
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations of ${module} must be numbered 1..n`)
  })
  const row = db.prepare('SELECT version FROM schema_versions WHERE module = ?').get(module) as
    { version: number } | undefined
  const current = row?.version ?? 0
  const latest = sorted.length
  if (current > latest) {
    throw new AppError(
      'VAULT_TOO_NEW',
      `This vault was written by a newer Keybridge (${module} schema ${current}, this build knows ${latest}). Update Keybridge to open it.`,
    )
  }
  for (const m of sorted.slice(current)) {
    db.transaction(() => {
      m.up(db)
      db.prepare(
        `INSERT INTO schema_versions (module, version, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(module) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
      ).run(module, m.version, Date.now())
    })()
  }
}

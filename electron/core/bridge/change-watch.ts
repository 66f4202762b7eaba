import type { Db } from '../vault/database'
import { ChangeStamp } from './change-stamp'

/** What decides which tools a client sees: permissions, token scopes and revocations, upstream rows. */
const FINGERPRINT = `SELECT
  (SELECT group_concat(tool || ':' || level || ':' || ask, ',') FROM bridge_tool_permissions) || '|' ||
  (SELECT group_concat(id || ':' || scopes || ':' || COALESCE(revoked_at, ''), ',') FROM bridge_tokens) || '|' ||
  (SELECT group_concat(id || ':' || enabled || ':' || name, ',') FROM bridge_upstreams)`

/**
 * Calls `changed` when what decides the tool lists changed, whoever wrote it: the desktop, or another
 * process on the same vault (the CLI's `tool set` while `serve` runs). The vault's change stamp says
 * cheaply whether anything was committed; only then the few bridge rows are compared.
 */
export function watchToolPolicy(db: Db, changed: () => void, everyMs = 1000): () => void {
  const stamp = ChangeStamp.of(db)
  const read = db.prepare(FINGERPRINT).pluck()
  let gen = stamp.check()
  let last = read.get() as string | null
  const timer = setInterval(() => {
    try {
      const g = stamp.check()
      if (g === gen) return
      gen = g
      const now = read.get() as string | null
      if (now === last) return
      last = now
      changed()
    } catch {
      // A closed database (shutdown in progress): the next stop clears the timer.
    }
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

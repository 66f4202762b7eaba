import { performance } from 'node:perf_hooks'
import type { Db } from '../vault/database'

const stamps = new WeakMap<Db, ChangeStamp>()

/**
 * "Did the vault change?" for the caches on the bridge's request path, as a generation number that
 * moves whenever anything was written. Two counters: `total_changes()` moves with every write made
 * through this connection, by any module (backup import included, even rolled back), and costs nothing
 * (no read transaction); `PRAGMA data_version` moves when another connection commits (the CLI revoking
 * a token from another process) but needs a read transaction, as dear as the lookup a cache saves
 * (under load its locking syscalls dominate). So each request reads it once, when its token is checked
 * (`check`), and the permission check of the same request reuses that reading (`recent`).
 */
export class ChangeStamp {
  private readonly changes
  private readonly version
  private lastChanges = -1
  private lastVersion = -1
  private checkedAt = Number.NEGATIVE_INFINITY
  private gen = 0

  private constructor(db: Db) {
    this.changes = db.prepare('SELECT total_changes()').pluck()
    this.version = db.prepare('PRAGMA data_version').pluck()
  }

  /** The stamp of a connection, shared by everything that caches its rows. */
  static of(db: Db): ChangeStamp {
    let s = stamps.get(db)
    if (!s) stamps.set(db, (s = new ChangeStamp(db)))
    return s
  }

  /** The generation after every commit made so far, by this connection or any other. */
  check(): number {
    this.checkedAt = performance.now()
    return this.observe(this.version.get() as number)
  }

  /**
   * This connection's writes at once; other connections' commits as of the last `check`, read again
   * when that is older than `maxAgeMs`. The bridge checks at the start of every request, so within a
   * request this is as fresh as `check`.
   */
  recent(maxAgeMs: number): number {
    if (performance.now() - this.checkedAt > maxAgeMs) return this.check()
    return this.observe(this.lastVersion)
  }

  private observe(version: number): number {
    const changes = this.changes.get() as number
    if (changes !== this.lastChanges || version !== this.lastVersion) {
      this.lastChanges = changes
      this.lastVersion = version
      this.gen++
    }
    return this.gen
  }
}

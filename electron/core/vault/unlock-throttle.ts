import { AppError } from '../../../shared/errors'
import type { Clock } from '../clock'
import type { Db } from './database'

/** Wrong master passwords allowed before any delay (typos happen). */
export const FREE_ATTEMPTS = 5
/** The delay doubles with each further failure, from 1 s up to this. */
export const MAX_DELAY_MS = 15 * 60_000

/** The delay owed after `failures` consecutive wrong passwords. */
export function delayAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS))
}

/**
 * Failed master-password attempts, kept in the vault file's plain metadata so the count and the
 * growing delay hold across processes (the desktop, each `keybridge` command). It slows guessing
 * through Keybridge; a copy of the file can still be attacked offline at the Argon2id rate.
 */
export class UnlockThrottle {
  private readonly read
  private readonly write
  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.read = db.prepare("SELECT value FROM vault_meta WHERE key = 'unlock_throttle'").pluck()
    this.write = db.prepare(
      "INSERT INTO vault_meta (key, value) VALUES ('unlock_throttle', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
  }

  state(): { failures: number; retryAt: number | null } {
    let failures = 0
    let last = 0
    try {
      const v = JSON.parse((this.read.get() as string | undefined) ?? '{}') as {
        failures?: unknown
        last?: unknown
      }
      failures = Number.isInteger(v.failures) ? (v.failures as number) : 0
      last = typeof v.last === 'number' ? v.last : 0
    } catch {
      // A damaged record counts as none; it only ever delays.
    }
    const delay = delayAfter(failures)
    const retryAt = delay > 0 && last + delay > this.clock.now() ? last + delay : null
    return { failures, retryAt }
  }

  /** Throws UNLOCK_THROTTLED (params: retryAt, retryAfterSeconds, failures) while a delay is owed. */
  check(): void {
    const { failures, retryAt } = this.state()
    if (retryAt === null) return
    const seconds = Math.ceil((retryAt - this.clock.now()) / 1000)
    throw new AppError(
      'UNLOCK_THROTTLED',
      `Too many wrong master passwords (${failures}). Try again in ${seconds} s.`,
      { retryAt, retryAfterSeconds: seconds, failures },
    )
  }

  /** Counts a wrong password; says how many so far and when the next attempt is allowed (null: now). */
  failed(): { failures: number; retryAt: number | null } {
    const failures = this.state().failures + 1
    this.write.run(JSON.stringify({ failures, last: this.clock.now() }))
    return { failures, retryAt: this.state().retryAt }
  }

  succeeded(): void {
    if (this.state().failures > 0) this.write.run(JSON.stringify({ failures: 0, last: 0 }))
  }
}

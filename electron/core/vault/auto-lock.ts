import type { Clock } from '../clock'

/**
 * Locks the vault after `minutes` of inactivity. `touch()` runs on every UI call, so it only
 * records the time; the single timer re-checks when it fires and re-arms for the remainder.
 */
export class AutoLock {
  private lastActivity = 0
  private cancel: (() => void) | null = null
  private running = false

  constructor(
    private readonly clock: Clock,
    private minutes: number | null,
    private readonly onIdle: () => void,
  ) {}

  /** Called when the vault unlocks. */
  start(): void {
    this.running = true
    this.lastActivity = this.clock.now()
    this.arm()
  }

  /** Called when the vault locks. */
  stop(): void {
    this.running = false
    this.disarm()
  }

  touch(): void {
    this.lastActivity = this.clock.now()
  }

  setMinutes(minutes: number | null): void {
    this.minutes = minutes
    if (this.running) {
      this.lastActivity = this.clock.now()
      this.arm()
    }
  }

  /** When the vault will lock if nothing happens, or null. */
  dueAt(): number | null {
    return this.running && this.minutes !== null ? this.lastActivity + this.minutes * 60_000 : null
  }

  private arm(): void {
    this.disarm()
    const due = this.dueAt()
    if (due === null) return
    this.cancel = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => this.fire())
  }

  private disarm(): void {
    this.cancel?.()
    this.cancel = null
  }

  private fire(): void {
    this.cancel = null
    const due = this.dueAt()
    if (due === null) return
    if (this.clock.now() >= due) {
      this.running = false
      this.onIdle()
    } else this.arm()
  }
}

// Connects the OS to the vault's lock: suspend and screen lock lock at once; system idle beyond the
// user's auto-lock minutes locks too (a safety net over the core's own UI-activity timer); typing
// or clicking in the focused Keybridge window counts as activity for that timer. Structural types
// only (no 'electron' import): Electron's powerMonitor fits PowerSource, tests use an EventEmitter.
import type { Clock } from '../core/clock'

export interface PowerSource {
  on(event: 'suspend' | 'lock-screen', listener: () => void): unknown
  removeListener(event: 'suspend' | 'lock-screen', listener: () => void): unknown
  /** Seconds since the last keyboard or mouse input anywhere on the system. */
  getSystemIdleTime(): number
}

export interface LockableVault {
  lock(actor: 'system', reason: string): unknown
  /** Minutes of idle before locking, or null for never (the user's vault setting). */
  autoLockMinutes(): number | null
  /** Postpones the core's idle auto-lock. */
  touch(channel?: unknown): void
}

/** How often system idle time is sampled: a lock is at most this late. */
export const IDLE_POLL_MS = 15_000

export function wireAutoLock(
  power: PowerSource,
  vault: LockableVault,
  clock: Clock,
  appFocused: () => boolean,
): () => void {
  const onSuspend = () => vault.lock('system', 'suspend')
  const onScreenLock = () => vault.lock('system', 'screen-lock')
  power.on('suspend', onSuspend)
  power.on('lock-screen', onScreenLock)
  let cancel = () => {}
  const poll = () => {
    const minutes = vault.autoLockMinutes()
    const idleSeconds = power.getSystemIdleTime()
    if (minutes !== null && idleSeconds >= minutes * 60) vault.lock('system', 'idle')
    else if (appFocused() && idleSeconds * 1000 < IDLE_POLL_MS) vault.touch('shell.input')
    cancel = clock.setTimer(IDLE_POLL_MS, poll)
  }
  cancel = clock.setTimer(IDLE_POLL_MS, poll)
  return () => {
    cancel()
    power.removeListener('suspend', onSuspend)
    power.removeListener('lock-screen', onScreenLock)
  }
}

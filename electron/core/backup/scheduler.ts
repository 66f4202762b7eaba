import { existsSync } from 'node:fs'
import { access, constants, mkdir, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, toErrorShape } from '../../../shared/errors'
import type { BackupSummary, ScheduleInput, ScheduleStatus } from '../../../shared/ipc/backup'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { AuditLog } from '../vault/audit'
import type { Keyring } from '../vault/keyring'
import { wipe } from './kdf'
import type { ScheduleStore } from './schedule-store'
import type { BackupService } from './service'

/** Files the scheduler writes (and the only ones its rotation ever deletes). */
export const SCHEDULED_FILE = /^keybridge-backup-\d{8}-\d{6}(-\d+)?\.kbbackup$/
const MAX_TIMER = 2 ** 31 - 1

function fileName(at: number): string {
  const iso = new Date(at).toISOString() // 2026-01-01T00:00:00.000Z
  return `keybridge-backup-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`
}

interface Deps {
  store: ScheduleStore
  service: BackupService
  clock: Clock
  keyring: Keyring
  events: EventBus
  audit: AuditLog
}

/**
 * Automatic backups on ctx.clock: every `intervalMinutes` while the vault is unlocked (a backup
 * that falls due while locked runs at the next unlock), into one folder, keeping the newest N.
 * The key is the scheduled-backup key stored sealed in the vault, so no passphrase is kept.
 */
export class BackupScheduler {
  private cancel: (() => void) | null = null
  private offUnlock: (() => void) | null = null
  private running: Promise<BackupSummary> | null = null

  constructor(private readonly d: Deps) {}

  start(): void {
    this.offUnlock = this.d.keyring.onChange((unlocked) => {
      if (unlocked) this.tick()
    })
    this.arm()
  }

  stop(): void {
    this.cancel?.()
    this.cancel = null
    this.offUnlock?.()
    this.offUnlock = null
  }

  /** Resolves when a run in progress has finished (for an orderly shutdown and for tests). */
  async idle(): Promise<void> {
    await this.running?.catch(() => {})
  }

  status(): ScheduleStatus {
    const s = this.d.store.get()
    return {
      enabled: s.enabled,
      folder: s.folder,
      intervalMinutes: s.intervalMinutes,
      keepLast: s.keepLast,
      includeAudit: s.includeAudit,
      hasKey: s.hasKey,
      lastRunAt: s.lastRunAt,
      lastFile: s.lastFile,
      lastError: s.lastError,
      lastErrorCode: s.lastErrorCode,
      nextRunAt: this.nextRunAt(),
    }
  }

  private nextRunAt(): number | null {
    const s = this.d.store.get()
    if (!s.enabled || !s.folder || !s.hasKey) return null
    return (s.lastRunAt ?? s.updatedAt) + s.intervalMinutes * 60_000
  }

  async configure(input: ScheduleInput, actor: AuditActor): Promise<ScheduleStatus> {
    const current = this.d.store.get()
    if (!input.enabled) {
      this.d.store.saveConfig({ ...current, enabled: false }, this.d.clock.now())
      this.arm()
      return this.status()
    }
    if (!this.d.keyring.unlocked) {
      throw new AppError('VAULT_LOCKED', 'The vault is locked. Unlock it to schedule backups.')
    }
    const folder = input.folder ?? current.folder
    if (!folder) throw new AppError('INVALID_INPUT', 'Choose a folder for the scheduled backups.')
    if (!input.passphrase && !current.hasKey) {
      throw new AppError(
        'INVALID_INPUT',
        'Choose a passphrase for the scheduled backups (at least 12 characters).',
      )
    }
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 })
      await access(folder, constants.W_OK)
    } catch {
      throw new AppError('IO_ERROR', `Keybridge cannot write to the folder ${folder}.`)
    }
    const key = input.passphrase ? await this.d.service.deriveNewKey(input.passphrase) : undefined
    try {
      this.d.store.saveConfig(
        {
          enabled: true,
          folder,
          intervalMinutes: input.intervalMinutes,
          keepLast: input.keepLast,
          includeAudit: input.includeAudit,
        },
        this.d.clock.now(),
        key,
      )
    } finally {
      wipe(key?.master)
    }
    this.d.audit.record({
      actor,
      action: 'backup_schedule_set',
      detail: { intervalMinutes: input.intervalMinutes, keepLast: input.keepLast, newKey: Boolean(key) },
    })
    this.arm()
    return this.status()
  }

  /** One scheduled backup now: same folder, key and rotation as the timer's. */
  runNow(actor: AuditActor = 'ui'): Promise<BackupSummary> {
    if (this.running) return this.running
    const at = this.d.clock.now()
    // Re-arm before announcing the outcome, so whoever reacts to the event sees the next run set.
    const settle = (file: string | null, error: unknown) => {
      this.running = null
      this.arm()
      const message = error === null ? null : toErrorShape(error).message
      this.d.events.emit('backup.scheduled', { at, ok: error === null, file, error: message })
    }
    const run = this.runOnce(actor, at).then(
      (summary) => {
        settle(summary.path, null)
        return summary
      },
      (e: unknown) => {
        settle(null, e)
        throw e
      },
    )
    this.running = run
    return run
  }

  private async runOnce(actor: AuditActor, at: number): Promise<BackupSummary> {
    const s = this.d.store.get()
    if (!s.folder || !s.hasKey) {
      throw new AppError(
        'INVALID_INPUT',
        'Scheduled backups are not set up: choose a folder and a passphrase first.',
      )
    }
    try {
      const key = this.d.store.key()
      if (!key)
        throw new AppError('INVALID_INPUT', 'Scheduled backups have no key: set the passphrase again.')
      const path = this.freePath(s.folder, fileName(at))
      let summary: BackupSummary
      try {
        summary = await this.d.service.exportTo(path, key, {
          includeAudit: s.includeAudit,
          actor,
          operation: 'scheduled',
        })
      } finally {
        wipe(key.master)
      }
      await this.prune(s.folder, s.keepLast)
      this.d.store.recordRun({ at, file: path, error: null })
      return summary
    } catch (e) {
      const { code, message } = toErrorShape(e)
      this.d.store.recordRun({ at, file: null, error: message, code })
      this.d.audit.record({
        actor,
        action: 'backup_exported',
        outcome: 'error',
        detail: { scheduled: true, code },
      })
      throw e
    }
  }

  private freePath(folder: string, base: string): string {
    let path = join(folder, `${base}.kbbackup`)
    for (let i = 2; existsSync(path); i++) path = join(folder, `${base}-${i}.kbbackup`)
    return path
  }

  /** Keeps the newest `keep` scheduled files (names sort by time); other files are never touched. */
  private async prune(folder: string, keep: number): Promise<void> {
    const files = (await readdir(folder)).filter((f) => SCHEDULED_FILE.test(f)).sort(byTime)
    for (const f of files.slice(0, Math.max(0, files.length - keep))) {
      await unlink(join(folder, f)).catch(() => {})
    }
  }

  private arm(): void {
    this.cancel?.()
    this.cancel = null
    const next = this.nextRunAt()
    if (next === null) return
    const delay = Math.min(MAX_TIMER, Math.max(0, next - this.d.clock.now()))
    this.cancel = this.d.clock.setTimer(delay, () => {
      this.cancel = null
      this.tick()
    })
  }

  /** Runs when due and unlocked; a due backup waits for the next unlock (the keyring listener). */
  private tick(): void {
    const next = this.nextRunAt()
    if (next === null || this.running) return
    if (this.d.clock.now() < next) return this.arm()
    if (!this.d.keyring.unlocked) return
    this.runNow('scheduler').catch(() => {
      // Recorded in the schedule row, the audit log and the backup.scheduled event.
    })
  }
}

/** Orders keybridge-backup-YYYYMMDD-HHMMSS[-n] by time, then by the collision suffix. */
function byTime(a: string, b: string): number {
  const parse = (f: string) => {
    const m = /^keybridge-backup-(\d{8}-\d{6})(?:-(\d+))?\./.exec(f)!
    return [m[1], Number(m[2] ?? 1)] as const
  }
  const [ta, na] = parse(a)
  const [tb, nb] = parse(b)
  return ta < tb ? -1 : ta > tb ? 1 : na - nb
}

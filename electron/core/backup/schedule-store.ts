import { z } from 'zod'
import { ErrorCode } from '../../../shared/errors'
import type { Db } from '../vault/database'
import type { Keyring } from '../vault/keyring'
import { sealLocation, type SealedColumn } from '../vault/sealed-columns'
import type { StoredKey } from './service'

const KEY_COLUMN: SealedColumn = { table: 'backup_schedule', idColumn: 'id', column: 'backup_key' }
const ROW_ID = 1

const StoredKdf = z.object({
  memoryCost: z.number().int(),
  timeCost: z.number().int(),
  parallelism: z.number().int(),
  salt: z.string(),
})

export interface ScheduleRow {
  enabled: boolean
  folder: string | null
  intervalMinutes: number
  keepLast: number
  includeAudit: boolean
  hasKey: boolean
  lastRunAt: number | null
  lastFile: string | null
  lastError: string | null
  lastErrorCode: ErrorCode | null
  updatedAt: number
}

interface RawRow {
  enabled: number
  folder: string | null
  interval_minutes: number
  keep_last: number
  include_audit: number
  kdf: string | null
  backup_key: Buffer | null
  last_run_at: number | null
  last_file: string | null
  last_error: string | null
  last_error_code: string | null
  updated_at: number
}

export const DEFAULT_SCHEDULE = { intervalMinutes: 24 * 60, keepLast: 7 }

/** The one row of backup_schedule: configuration, run state and the sealed scheduled-backup key. */
export class ScheduleStore {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
  ) {}

  private raw(): RawRow | undefined {
    return this.db.prepare('SELECT * FROM backup_schedule WHERE id = ?').get(ROW_ID) as RawRow | undefined
  }

  get(): ScheduleRow {
    const r = this.raw()
    if (!r) {
      return {
        enabled: false,
        folder: null,
        ...DEFAULT_SCHEDULE,
        includeAudit: false,
        hasKey: false,
        lastRunAt: null,
        lastFile: null,
        lastError: null,
        lastErrorCode: null,
        updatedAt: 0,
      }
    }
    return {
      enabled: r.enabled === 1,
      folder: r.folder,
      intervalMinutes: r.interval_minutes,
      keepLast: r.keep_last,
      includeAudit: r.include_audit === 1,
      hasKey: r.backup_key !== null,
      lastRunAt: r.last_run_at,
      lastFile: r.last_file,
      lastError: r.last_error,
      lastErrorCode: ErrorCode.safeParse(r.last_error_code).data ?? null,
      updatedAt: r.updated_at,
    }
  }

  saveConfig(
    c: Pick<ScheduleRow, 'enabled' | 'folder' | 'intervalMinutes' | 'keepLast' | 'includeAudit'>,
    now: number,
    key?: StoredKey,
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO backup_schedule (id, enabled, folder, interval_minutes, keep_last, include_audit, updated_at)
           VALUES (@id, @enabled, @folder, @interval, @keep, @audit, @now)
           ON CONFLICT(id) DO UPDATE SET enabled = @enabled, folder = @folder, interval_minutes = @interval,
             keep_last = @keep, include_audit = @audit, updated_at = @now`,
        )
        .run({
          id: ROW_ID,
          enabled: c.enabled ? 1 : 0,
          folder: c.folder,
          interval: c.intervalMinutes,
          keep: c.keepLast,
          audit: c.includeAudit ? 1 : 0,
          now,
        })
      if (key) {
        const kdf = { ...key.kdf, salt: key.kdf.salt.toString('base64') }
        this.db
          .prepare('UPDATE backup_schedule SET kdf = ?, backup_key = ? WHERE id = ?')
          .run(JSON.stringify(kdf), this.keyring.seal(sealLocation(KEY_COLUMN, ROW_ID), key.master), ROW_ID)
      }
    })()
  }

  recordRun(r: { at: number; file: string | null; error: string | null; code?: ErrorCode }): void {
    this.db
      .prepare(
        'UPDATE backup_schedule SET last_run_at = ?, last_file = COALESCE(?, last_file), last_error = ?, last_error_code = ? WHERE id = ?',
      )
      .run(r.at, r.file, r.error, r.error ? (r.code ?? null) : null, ROW_ID)
  }

  /** The scheduled-backup key, opened with the vault key (so only while the vault is unlocked). */
  key(): StoredKey | null {
    const r = this.raw()
    if (!r?.backup_key || !r.kdf) return null
    const kdf = StoredKdf.parse(JSON.parse(r.kdf))
    return {
      master: this.keyring.open(sealLocation(KEY_COLUMN, ROW_ID), r.backup_key),
      kdf: { ...kdf, salt: Buffer.from(kdf.salt, 'base64') },
    }
  }
}

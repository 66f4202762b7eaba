import { z } from 'zod'
import { ErrorCode } from '../errors'
import { channel, NoInput } from './define'

/** An absolute file-system path (POSIX `/…`, Windows `C:\…` or `\\server\…`), as the save/open dialog returns. */
export const AbsolutePath = z
  .string()
  .min(1, 'Choose a file.')
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'Give an absolute path (the dialog returns one).')

export const MIN_PASSPHRASE_LENGTH = 12

/** A passphrase for a new backup: at least 12 characters (Unicode code points). */
export const NewPassphrase = z
  .string()
  .max(1024)
  .refine((s) => [...s].length >= MIN_PASSPHRASE_LENGTH, {
    message: `A backup passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`,
  })

/** A passphrase to open an existing backup: whatever it was. */
export const Passphrase = z.string().min(1, 'Enter the backup passphrase.').max(1024)

export const ImportMode = z.enum(['merge', 'replace'])
export type ImportMode = z.infer<typeof ImportMode>
export const OnConflict = z.enum(['skip', 'overwrite'])
export type OnConflict = z.infer<typeof OnConflict>

/** The clear (but authenticated) header of a backup file. */
export const BackupHeaderInfo = z.object({
  format: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  app: z.string(),
  kdf: z.object({
    algorithm: z.literal('argon2id'),
    memoryKiB: z.number().int(),
    iterations: z.number().int(),
    parallelism: z.number().int(),
  }),
  cipher: z.literal('aes-256-gcm'),
  compression: z.enum(['deflate', 'none']),
})
export type BackupHeaderInfo = z.infer<typeof BackupHeaderInfo>

export const TableCount = z.object({ table: z.string(), rows: z.number().int() })

/** What one export wrote. */
export const BackupSummary = z.object({
  path: z.string(),
  bytes: z.number().int(),
  createdAt: z.number(),
  includesAudit: z.boolean(),
  tables: z.array(TableCount),
  header: BackupHeaderInfo,
  durationMs: z.number(),
  /** Time spent in the passphrase KDF (Argon2id), part of durationMs. */
  kdfMs: z.number(),
})
export type BackupSummary = z.infer<typeof BackupSummary>

/** Per table: what an import finds and what it does (or would do, on a dry run). */
export const TablePreview = z.object({
  table: z.string(),
  /** Rows in the backup. */
  incoming: z.number().int(),
  /** Rows in this vault before the import. */
  existing: z.number().int(),
  /** Incoming rows with no counterpart here. */
  new: z.number().int(),
  /** Incoming rows matching an existing one by natural key (credentials: service + name). */
  conflicts: z.number().int(),
  added: z.number().int(),
  overwritten: z.number().int(),
  skipped: z.number().int(),
  /** Existing rows removed (replace mode). */
  deleted: z.number().int(),
  /** Up to 20 conflicting natural keys (e.g. "github/work"), never a secret. */
  conflictKeys: z.array(z.string()),
})
export type TablePreview = z.infer<typeof TablePreview>

export const ImportPreview = z.object({
  mode: ImportMode,
  onConflict: OnConflict,
  tables: z.array(TablePreview),
  totals: z.object({
    incoming: z.number().int(),
    new: z.number().int(),
    conflicts: z.number().int(),
    added: z.number().int(),
    overwritten: z.number().int(),
    skipped: z.number().int(),
    deleted: z.number().int(),
  }),
})
export type ImportPreview = z.infer<typeof ImportPreview>

export const BackupContents = z.object({
  createdAt: z.number(),
  appVersion: z.string(),
  includesAudit: z.boolean(),
  schemaVersions: z.record(z.string(), z.number().int()),
  tables: z.array(TableCount),
})

const ImportOptions = z.object({
  path: AbsolutePath,
  passphrase: Passphrase,
  mode: ImportMode.default('merge'),
  onConflict: OnConflict.default('skip'),
  /** Apply a bridge host other than loopback that the backup brings (otherwise it stays 127.0.0.1). */
  allowExposure: z.boolean().default(false),
})

export const ImportResult = z.object({
  applied: z.boolean(),
  dryRun: z.boolean(),
  header: BackupHeaderInfo,
  contents: BackupContents,
  preview: ImportPreview,
  /**
   * Everything the backup brings that decides where a secret goes or who may use it, one sentence
   * each: every credential and its fields, Home Assistant URL, upstream command line and environment,
   * permission, token (never imported) and bridge setting.
   */
  items: z.array(z.string()),
  /** The items that need attention (upstream commands, no-ask execute permissions, exposure). */
  warnings: z.array(z.string()),
  durationMs: z.number(),
  kdfMs: z.number(),
})
export type ImportResult = z.infer<typeof ImportResult>

export const ScheduleStatus = z.object({
  enabled: z.boolean(),
  folder: z.string().nullable(),
  intervalMinutes: z.number().int(),
  keepLast: z.number().int(),
  includeAudit: z.boolean(),
  /** A scheduled-backup key is stored (sealed in the vault) for the configured passphrase. */
  hasKey: z.boolean(),
  lastRunAt: z.number().nullable(),
  lastFile: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The same failure as an error code, for the UI's language. */
  lastErrorCode: ErrorCode.nullable().default(null),
  nextRunAt: z.number().nullable(),
})
export type ScheduleStatus = z.infer<typeof ScheduleStatus>

export const MIN_INTERVAL_MINUTES = 15
export const MAX_INTERVAL_MINUTES = 60 * 24 * 31

export const ScheduleInput = z.object({
  enabled: z.boolean(),
  folder: AbsolutePath.optional(),
  intervalMinutes: z
    .number()
    .int()
    .min(MIN_INTERVAL_MINUTES)
    .max(MAX_INTERVAL_MINUTES)
    .default(60 * 24),
  keepLast: z.number().int().min(1).max(365).default(7),
  includeAudit: z.boolean().default(false),
  /** Needed the first time and to change it; the backups it protects open with this passphrase. */
  passphrase: NewPassphrase.optional(),
})
export type ScheduleInput = z.infer<typeof ScheduleInput>

export const backupChannels = {
  /** Writes an encrypted backup to `path` (chosen with the shell's save dialog); progress on `backup.progress`. */
  'backup.export': channel(
    z.object({ path: AbsolutePath, passphrase: NewPassphrase, includeAudit: z.boolean().default(false) }),
    BackupSummary,
  ),
  /** Verifies a backup and previews an import into this vault without changing anything. */
  'backup.inspect': channel(ImportOptions, ImportResult),
  /** Verifies, then applies in one transaction (or only previews, with dryRun). */
  'backup.import': channel(ImportOptions.extend({ dryRun: z.boolean().default(false) }), ImportResult),
  'backup.schedule.get': channel(NoInput, ScheduleStatus),
  'backup.schedule.set': channel(ScheduleInput, ScheduleStatus),
  /** Runs the scheduled backup now (same folder, key and rotation). */
  'backup.runNow': channel(NoInput, BackupSummary),
}

export const BackupPhase = z.enum([
  'reading',
  'deriving-key',
  'encrypting',
  'writing',
  'decrypting',
  'verifying',
  'applying',
  'done',
])
export type BackupPhase = z.infer<typeof BackupPhase>

export const BackupProgress = z.object({
  operation: z.enum(['export', 'import', 'inspect', 'scheduled']),
  phase: BackupPhase,
  done: z.number(),
  total: z.number(),
})
export type BackupProgress = z.infer<typeof BackupProgress>

export const backupEvents = {
  'backup.progress': BackupProgress,
  /** An import was committed: the listed tables changed underneath any cache of them. */
  'backup.imported': z.object({ at: z.number(), tables: z.array(z.string()) }),
  /** A scheduled backup finished (ok with its file) or failed (with a readable reason). */
  'backup.scheduled': z.object({
    at: z.number(),
    ok: z.boolean(),
    file: z.string().nullable(),
    error: z.string().nullable(),
  }),
}

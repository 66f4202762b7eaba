import { z } from 'zod'
import { AuditExportFormat, AuditFilter, AuditPage, AuditRetentionDays } from '../models/audit'
import { channel, NoInput } from './define'

export const AUTO_LOCK_CHOICES = [1, 5, 15, 30, 60, 240] as const
/** Minutes of idle before auto-lock, or null for never. */
export const AutoLockMinutes = z
  .union([z.literal(1), z.literal(5), z.literal(15), z.literal(30), z.literal(60), z.literal(240)])
  .nullable()
export type AutoLockMinutes = z.infer<typeof AutoLockMinutes>

export const VaultMode = z.enum(['keychain', 'keychain+password', 'password'])
export type VaultMode = z.infer<typeof VaultMode>

export const KeyslotKind = z.enum(['os', 'password'])
export type KeyslotKind = z.infer<typeof KeyslotKind>

/** Why the OS keychain cannot be used: none in a headless process, none on the system, or an insecure one. */
export const KeychainIssue = z.enum(['headless', 'unavailable', 'insecure_backend'])
export type KeychainIssue = z.infer<typeof KeychainIssue>

export const VaultStatus = z.object({
  initialized: z.boolean(),
  locked: z.boolean(),
  /** Which keyslots protect the vault key. */
  protectors: z.array(KeyslotKind),
  hasPassword: z.boolean(),
  /** Unlocking now needs the master password (no os slot, or keychain+password after a lock). */
  passwordRequired: z.boolean(),
  osKeychain: z.object({
    available: z.boolean(),
    label: z.string(),
    reason: z.string().nullable(),
    /** The same reason as a code the UI translates (`backend`: the insecure backend's name). */
    reasonCode: KeychainIssue.nullable().default(null),
    backend: z.string().nullable().default(null),
  }),
  autoLockMinutes: AutoLockMinutes,
  /** Failed master-password attempts since the last success (they persist across processes). */
  failedUnlocks: z.number().int().optional(),
  /** While failed attempts are throttled: when the next one is accepted (ms since epoch). */
  unlockRetryAt: z.number().nullable().optional(),
})
export type VaultStatus = z.infer<typeof VaultStatus>

/** A row of a MAC'd table that failed its integrity check: it is refused until reviewed or deleted. */
export const TamperedRow = z.object({
  table: z.string(),
  rowId: z.string(),
  label: z.string(),
  /** credential, client token, tool permission, ... */
  what: z.string(),
  /** "The client token "x" was changed outside Keybridge on …: review or delete it. …" */
  message: z.string(),
  detectedAt: z.number(),
})
export type TamperedRow = z.infer<typeof TamperedRow>

export const RollbackKind = z.enum(['file', 'rows_replayed', 'rows_removed'])
export type RollbackKind = z.infer<typeof RollbackKind>

export const IntegrityReport = z.object({
  /** False while locked: rows can only be verified with the vault key. */
  checked: z.boolean(),
  tampered: z.array(TamperedRow),
  /**
   * Client tokens wait for the user: the vault file is older than the generation the OS keychain last
   * saw (`file`), rows were put back to earlier signed versions (`rows_replayed`), or rows where a
   * deletion widens access were deleted outside Keybridge (`rows_removed`, listed in `removed`).
   */
  rollback: z
    .object({
      kind: RollbackKind.default('file'),
      found: z.number().int(),
      expected: z.number().int(),
      removed: z.array(z.object({ table: z.string(), id: z.string() })).default([]),
      message: z.string(),
    })
    .nullable(),
  /** Whether the generation is kept outside the vault file here (no: password-only, headless). */
  rollbackDetection: z.boolean(),
  generation: z.number().int().nullable(),
})
export type IntegrityReport = z.infer<typeof IntegrityReport>

export const Password = z.string().min(1, 'Enter the master password.').max(1024)

export const vaultChannels = {
  'vault.status': channel(NoInput, VaultStatus),
  'vault.create': channel(
    z.object({
      mode: VaultMode,
      password: Password.optional(),
      autoLockMinutes: AutoLockMinutes.default(15),
    }),
    VaultStatus,
  ),
  'vault.unlock': channel(z.object({ password: Password.optional() }).default({}), VaultStatus),
  'vault.lock': channel(NoInput, VaultStatus),
  'vault.setAutoLock': channel(z.object({ minutes: AutoLockMinutes }), VaultStatus),
  /** Adds a master password, or changes it (then `current` is required). */
  'vault.setPassword': channel(z.object({ current: Password.optional(), next: Password }), VaultStatus),
  /** Only when the OS keychain also protects the vault. */
  'vault.removePassword': channel(z.object({ current: Password }), VaultStatus),
  'vault.addKeychain': channel(NoInput, VaultStatus),
  /** Only when a master password also protects the vault. */
  'vault.removeKeychain': channel(NoInput, VaultStatus),
  /** New vault key, every sealed column re-sealed; needs the master password when the vault has one. */
  'vault.rotateKey': channel(
    z.object({ password: Password.optional() }).default({}),
    z.object({ keyVersion: z.number().int(), resealed: z.number().int(), durationMs: z.number() }),
  ),
  /** Rows changed outside Keybridge, and whether the vault file was rolled back (`keybridge doctor` shows the same). */
  'vault.integrity': channel(NoInput, IntegrityReport),
  /** The user accepts an older vault file (a restore they made): the generation seen becomes its own. */
  'vault.integrity.acceptRollback': channel(NoInput, IntegrityReport),
  'audit.list': channel(
    AuditFilter.extend({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }).default({ offset: 0, limit: 100 }),
    AuditPage,
  ),
  /** The file content for the UI to save; `filename` is a suggestion. */
  'audit.export': channel(
    AuditFilter.extend({ format: AuditExportFormat }),
    z.object({ content: z.string(), filename: z.string(), count: z.number().int() }),
  ),
  'audit.getRetention': channel(NoInput, z.object({ days: AuditRetentionDays })),
  'audit.setRetention': channel(
    z.object({ days: AuditRetentionDays }),
    z.object({ days: AuditRetentionDays, removed: z.number().int() }),
  ),
}

export const vaultEvents = {
  'vault.changed': VaultStatus,
  'vault.rotateProgress': z.object({ done: z.number().int(), total: z.number().int() }),
}

import { open, readFile, stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { deflate, inflate } from 'node:zlib'
import { AppError } from '../../../shared/errors'
import type {
  BackupPhase,
  BackupProgress,
  BackupSummary,
  ImportMode,
  ImportPreview,
  ImportResult,
  OnConflict,
} from '../../../shared/ipc/backup'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { AuditLog } from '../vault/audit'
import type { Db } from '../vault/database'
import type { Argon2Params } from '../vault/key-protector'
import type { Keyring } from '../vault/keyring'
import { writeFileAtomic } from '../vault/atomic-file'
import type { Integrity } from '../vault/integrity'
import type { SealedColumn } from '../vault/sealed-columns'
import { applyStaged } from './apply'
import { applyImportPolicy } from './import-policy'
import { BackupDocument } from './document'
import { headerInfo, MAGIC, newHeader, openContainer, parseContainer, sealContainer } from './format'
import {
  deriveMaster,
  keyCheck,
  keyCheckMatches,
  newBackupKdf,
  splitKeys,
  validatePassphrase,
  wipe,
  type BackupKdf,
} from './kdf'
import { snapshotVault } from './snapshot'
import { stageDocument, type ModuleMigrations } from './staging'

const deflateAsync = promisify(deflate)
const inflateAsync = promisify(inflate)
/** A backup file larger than this is refused before reading; its content must also inflate below it. */
const MAX_BYTES = 1024 * 1024 * 1024
/**
 * Decompression is bounded before inflating: at most this many times the compressed size (a vault's
 * JSON compresses 3–10×; a deflate bomb reaches 1000×), and never above MAX_BYTES.
 */
export const MAX_INFLATE_RATIO = 100
export function inflateLimit(compressed: number): number {
  return Math.min(MAX_BYTES, Math.max(1024 * 1024, compressed * MAX_INFLATE_RATIO))
}

export interface BackupServiceDeps {
  db: Db
  keyring: Keyring
  audit: AuditLog
  clock: Clock
  events: EventBus
  appName: string
  appVersion: string
  /** Argon2id cost of new backups (the default is Bitwarden's; tests lower it). */
  kdf: Argon2Params
  /** Every module's migrations, in order: how a backup is staged and upgraded. */
  modules: ModuleMigrations
  sealed: readonly SealedColumn[]
  /** Imported rows of MAC'd tables are signed once the user chose to import them. */
  integrity: Integrity
}

/** The vault's own files: a backup must never be written over them. */
function vaultFiles(db: Db): string[] {
  const main = resolve(db.name)
  return [main, `${main}-wal`, `${main}-shm`, `${main}-journal`]
}

export type Operation = BackupProgress['operation']

/** A key derived earlier from the passphrase (scheduled backups), instead of the passphrase. */
export interface StoredKey {
  master: Buffer
  kdf: BackupKdf
}

interface VerifiedBackup {
  header: ReturnType<typeof headerInfo>
  doc: BackupDocument
  kdfMs: number
}

class ApplyRolledBack extends Error {}

function tableCounts(doc: BackupDocument) {
  return Object.entries(doc.tables).map(([table, t]) => ({ table, rows: t.rows.length }))
}

/** Export, verification and import of encrypted backups (docs/BACKUP-FORMAT.md). */
export class BackupService {
  constructor(private readonly d: BackupServiceDeps) {}

  private progress(operation: Operation, phase: BackupPhase, done = 0, total = 1): void {
    this.d.events.emit('backup.progress', { operation, phase, done, total })
  }

  private requireUnlocked(what: string): void {
    if (!this.d.keyring.unlocked) {
      throw new AppError('VAULT_LOCKED', `The vault is locked. Unlock it to ${what}.`)
    }
  }

  /** Derives the backup key from a passphrase (Argon2id with this build's cost and a new salt). */
  async deriveNewKey(passphrase: string): Promise<StoredKey & { kdfMs: number }> {
    validatePassphrase(passphrase)
    const kdf = newBackupKdf(this.d.kdf)
    const t0 = performance.now()
    const master = await deriveMaster(passphrase, kdf)
    return { master, kdf, kdfMs: performance.now() - t0 }
  }

  async exportTo(
    path: string,
    key: { passphrase: string } | StoredKey,
    o: { includeAudit: boolean; actor: AuditActor; operation?: Operation },
  ): Promise<BackupSummary> {
    const operation = o.operation ?? 'export'
    const t0 = performance.now()
    this.requireUnlocked('export a backup')
    await this.requireFolder(path)
    let kdfMs = 0
    let stored: StoredKey
    if ('passphrase' in key) {
      this.progress(operation, 'deriving-key')
      const derived = await this.deriveNewKey(key.passphrase)
      kdfMs = derived.kdfMs
      stored = derived
    } else {
      stored = { master: Buffer.from(key.master), kdf: key.kdf }
    }
    const keys = splitKeys(stored.master, stored.kdf.salt)
    wipe(stored.master)
    let json: Buffer | undefined
    let payload: Buffer | undefined
    try {
      const now = this.d.clock.now()
      const doc = snapshotVault({
        db: this.d.db,
        keyring: this.d.keyring,
        sealed: this.d.sealed,
        includeAudit: o.includeAudit,
        appVersion: this.d.appVersion,
        now,
        onProgress: (done, total) => this.progress(operation, 'reading', done, total),
      })
      this.progress(operation, 'encrypting')
      json = Buffer.from(JSON.stringify(doc), 'utf8')
      payload = await deflateAsync(json)
      const header = newHeader({
        kdf: stored.kdf,
        keyCheck: keyCheck(keys),
        createdAt: now,
        app: `${this.d.appName} ${this.d.appVersion}`,
        compression: 'deflate',
      })
      const file = sealContainer(header, keys, payload)
      this.progress(operation, 'writing')
      // Owner-only whoever wrote the file before (a scheduled backup replaces its own).
      await writeFileAtomic(path, file, { what: 'The backup', mode: 0o600 })
      const tables = tableCounts(doc)
      this.d.audit.record({
        actor: o.actor,
        action: 'backup_exported',
        target: basename(path),
        detail: {
          includeAudit: o.includeAudit,
          bytes: file.length,
          rows: tables.reduce((n, t) => n + t.rows, 0),
        },
      })
      this.progress(operation, 'done', 1, 1)
      return {
        path,
        bytes: file.length,
        createdAt: now,
        includesAudit: o.includeAudit,
        tables,
        header: headerInfo(header),
        durationMs: performance.now() - t0,
        kdfMs,
      }
    } finally {
      wipe(keys.enc, keys.check, json, payload)
    }
  }

  /**
   * Everything an import checks before it touches the vault, in order: container and header,
   * passphrase (key check), authentication of header + ciphertext + tag, decompression, JSON
   * schema. Each failure is one AppError; nothing is written.
   */
  async verify(path: string, passphrase: string, operation: Operation): Promise<VerifiedBackup> {
    this.progress(operation, 'reading')
    const file = await this.readBackupFile(path)
    const c = parseContainer(file)
    this.progress(operation, 'deriving-key')
    const t0 = performance.now()
    const master = await deriveMaster(passphrase, c.kdf)
    const kdfMs = performance.now() - t0
    const keys = splitKeys(master, c.kdf.salt)
    wipe(master)
    let payload: Buffer | null = null
    let json: Buffer | undefined
    try {
      if (!keyCheckMatches(keys, Buffer.from(c.header.keyCheck, 'base64'))) {
        throw new AppError('BAD_PASSPHRASE', 'That passphrase does not open this backup.')
      }
      this.progress(operation, 'decrypting')
      payload = openContainer(c, keys)
      if (!payload) {
        throw new AppError(
          'BACKUP_INVALID',
          'This backup failed its integrity check: its header, content or tag was altered. Nothing was imported.',
        )
      }
      this.progress(operation, 'verifying')
      const limit = inflateLimit(payload.length)
      try {
        json =
          c.header.compression === 'deflate'
            ? await inflateAsync(payload, { maxOutputLength: limit })
            : payload
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new AppError(
            'BACKUP_INVALID',
            `This backup would inflate beyond ${Math.round(limit / 1048576)} MiB (more than ${MAX_INFLATE_RATIO} times its compressed size of ${payload.length} bytes): refused as a decompression bomb. Nothing was imported.`,
            { limitBytes: limit, compressedBytes: payload.length, maxRatio: MAX_INFLATE_RATIO },
          )
        }
        throw new AppError('BACKUP_INVALID', 'This backup could not be decompressed. Nothing was imported.')
      }
      let raw: unknown
      try {
        raw = JSON.parse(json.toString('utf8'))
      } catch {
        throw new AppError(
          'BACKUP_INVALID',
          'This backup does not hold a readable vault document. Nothing was imported.',
        )
      }
      const parsed = BackupDocument.safeParse(raw)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const where = issue?.path.slice(0, 3).join('.') || 'document'
        throw new AppError(
          'BACKUP_INVALID',
          `This backup's content is not valid (${where}: ${issue?.message ?? 'invalid'}). Nothing was imported.`,
        )
      }
      return { header: headerInfo(c.header), doc: parsed.data, kdfMs }
    } finally {
      wipe(keys.enc, keys.check, json, payload ?? undefined)
    }
  }

  /** Verify, stage, then apply in one transaction (rolled back for a dry run or inspect). */
  async importFrom(
    input: {
      path: string
      passphrase: string
      mode: ImportMode
      onConflict: OnConflict
      dryRun: boolean
      allowExposure?: boolean
    },
    actor: AuditActor,
    operation: Operation = 'import',
  ): Promise<ImportResult> {
    const t0 = performance.now()
    this.requireUnlocked('import a backup')
    const { header, doc, kdfMs } = await this.verify(input.path, input.passphrase, operation)
    const staged = stageDocument(doc, this.d.modules, this.d.sealed)
    let tables: ImportPreview['tables'] = []
    let policy: ReturnType<typeof applyImportPolicy> = { items: [], warnings: [] }
    try {
      policy = applyImportPolicy(staged, { allowExposure: input.allowExposure ?? false })
      this.requireUnlocked('import a backup')
      this.progress(operation, 'applying')
      const run = this.d.db.transaction(() => {
        // Rows already refused stay refused: only what the import writes is signed.
        const failingBefore = this.d.integrity.failing()
        tables = applyStaged({
          target: this.d.db,
          staged,
          keyring: this.d.keyring,
          sealed: this.d.sealed,
          mode: input.mode,
          onConflict: input.onConflict,
          includesAudit: doc.includesAudit,
          onProgress: (done, total) => this.progress(operation, 'applying', done, total),
        })
        if (input.dryRun) throw new ApplyRolledBack()
        this.d.integrity.signImported(failingBefore)
        const sum = totals(tables)
        this.d.audit.record({
          actor,
          action: 'backup_imported',
          target: basename(input.path),
          detail: {
            mode: input.mode,
            onConflict: input.onConflict,
            ...sum,
            warnings: policy.warnings.length,
            allowExposure: input.allowExposure ?? false,
          },
        })
      })
      try {
        run()
      } catch (e) {
        if (!(e instanceof ApplyRolledBack)) throw asAppError(e)
      }
    } finally {
      staged.close()
    }
    if (!input.dryRun) {
      const at = this.d.clock.now()
      // Features that cache vault content reload on these.
      this.d.events.emit('backup.imported', { at, tables: tables.map((t) => t.table) })
      this.d.events.emit('credentials.changed', { at })
    }
    this.progress(operation, 'done', 1, 1)
    return {
      applied: !input.dryRun,
      dryRun: input.dryRun,
      header,
      contents: {
        createdAt: doc.createdAt,
        appVersion: doc.appVersion,
        includesAudit: doc.includesAudit,
        schemaVersions: doc.schemaVersions,
        tables: tableCounts(doc),
      },
      preview: { mode: input.mode, onConflict: input.onConflict, tables, totals: totals(tables) },
      items: policy.items,
      warnings: policy.warnings,
      durationMs: performance.now() - t0,
      kdfMs,
    }
  }

  private async requireFolder(path: string): Promise<void> {
    if (vaultFiles(this.d.db).includes(resolve(path))) {
      throw new AppError('INVALID_INPUT', 'Choose another file: that one is the vault itself.')
    }
    const existing = await stat(path).catch(() => null)
    if (existing && !existing.isFile()) throw new AppError('IO_ERROR', `${path} is not a file.`)
    // Replacing an older backup is fine; replacing any other file with ciphertext never is.
    if (existing && existing.size > 0 && !(await startsWithMagic(path))) {
      throw new AppError(
        'CONFLICT',
        `${path} exists and is not a Keybridge backup. Choose another file name.`,
      )
    }
    const dir = dirname(path)
    const s = await stat(dir).catch(() => null)
    if (!s?.isDirectory()) throw new AppError('IO_ERROR', `The folder ${dir} does not exist.`)
  }

  private async readBackupFile(path: string): Promise<Buffer> {
    const s = await stat(path).catch(() => null)
    if (!s?.isFile()) throw new AppError('IO_ERROR', `There is no backup file at ${path}.`)
    if (s.size > MAX_BYTES)
      throw new AppError('BACKUP_INVALID', 'This file is too large to be a Keybridge backup.')
    try {
      return await readFile(path)
    } catch (e) {
      throw new AppError(
        'IO_ERROR',
        `The backup ${path} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      )
    }
  }
}

async function startsWithMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => null)
  if (!fh) return false
  try {
    const head = Buffer.alloc(MAGIC.length)
    await fh.read(head, 0, head.length, 0)
    return head.equals(MAGIC)
  } finally {
    await fh.close()
  }
}

function totals(tables: ImportPreview['tables']): ImportPreview['totals'] {
  const sum = (k: keyof ImportPreview['totals']) => tables.reduce((n, t) => n + t[k], 0)
  return {
    incoming: sum('incoming'),
    new: sum('new'),
    conflicts: sum('conflicts'),
    added: sum('added'),
    overwritten: sum('overwritten'),
    skipped: sum('skipped'),
    deleted: sum('deleted'),
  }
}

/** A constraint the merge ran into (e.g. a second UNIQUE key): one readable error, nothing changed. */
function asAppError(e: unknown): unknown {
  if (e instanceof AppError) return e
  const reason = String((e as Error)?.message ?? '')
    .split('\n')[0]
    .slice(0, 200)
  return new AppError(
    'CONFLICT',
    `The backup could not be applied to this vault (${reason}). Nothing was changed.`,
  )
}

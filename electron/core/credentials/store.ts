import { randomUUID } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import { AppError } from '../../../shared/errors'
import {
  CredentialStatus as CredentialStatusSchema,
  credentialRef,
  type CredentialStats,
  type CredentialStatus,
  type CredentialSummary,
} from '../../../shared/models/credential'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { AuditLog } from '../vault/audit'
import type { Db } from '../vault/database'
import type { Keyring } from '../vault/keyring'
import type { RowMacs } from '../vault/row-mac'
import { ChangeStamp } from './change-stamp'
import { SEALED_COLUMNS, sealLocation } from '../vault/sealed-columns'

export interface NewCredential {
  service: string
  name: string
  account: string | null
  fields: Record<string, string>
  secrets: Record<string, string>
  status: CredentialStatus
  lastValidatedAt: number | null
  validationError: string | null
  expiresAt: number | null
  metadata: Record<string, string>
}

export interface CredentialPatch {
  name?: string
  account?: string | null
  fields?: Record<string, string>
  /** Replaces the given secret keys; others are kept. An empty string removes a key. */
  secrets?: Record<string, string>
  metadata?: Record<string, string>
  expiresAt?: number | null
}

export interface ValidationUpdate {
  status: CredentialStatus
  lastValidatedAt: number | null
  validationError: string | null
  account?: string | null
  metadata?: Record<string, string>
  expiresAt?: number | null
}

export interface SecretUse {
  actor: AuditActor
  actorName?: string | null
  /** used (a request was made with it), revealed, copied, refreshed, exported, ... */
  action: string
}

const COL = SEALED_COLUMNS.find((c) => c.table === 'credentials')!
const SUMMARY_COLUMNS = `id, service, name, account, fields, secret_fields, status, is_primary, last_validated_at,
  validation_error, last_used_at, use_count, expires_at, metadata, created_at, updated_at`

/** Most rows have empty objects; skipping the parser for them is a measurable win at 10,000 rows. */
function parseJson<T>(s: string): T {
  return (s === '{}' ? {} : s === '[]' ? [] : JSON.parse(s)) as T
}

function deepFreeze(c: CredentialSummary): CredentialSummary {
  Object.freeze(c.fields)
  Object.freeze(c.secretFields)
  Object.freeze(c.metadata)
  return Object.freeze(c)
}

/** A row read in raw mode (an array in SUMMARY_COLUMNS order): much faster than named-column objects. */
type RawRow = [
  string,
  string,
  string,
  string | null,
  string,
  string,
  CredentialStatus,
  number,
  number | null,
  string | null,
  number | null,
  number,
  number | null,
  string,
  number,
  number,
]

function toSummary(r: RawRow): CredentialSummary {
  return {
    id: r[0],
    service: r[1],
    name: r[2],
    account: r[3],
    fields: parseJson(r[4]),
    secretFields: parseJson(r[5]),
    status: r[6],
    isPrimary: r[7] === 1,
    lastValidatedAt: r[8],
    validationError: r[9],
    lastUsedAt: r[10],
    useCount: r[11],
    expiresAt: r[12],
    metadata: parseJson(r[13]),
    createdAt: r[14],
    updatedAt: r[15],
  }
}

/**
 * Stored credentials: many accounts per service, names unique per service (case-insensitive),
 * exactly one primary per service. Secrets are one sealed JSON object per row; metadata never
 * needs the key, so listing works while locked, and only reading or writing secrets needs it.
 */
export class CredentialStore {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly events: EventBus,
    /** Service, name, fields and secret-field list are MAC'd with the sealed blob (mac-tables.ts). */
    private readonly macs: RowMacs,
  ) {
    this.stamp = new ChangeStamp(db, 'credentials')
  }

  private readonly stamp: ChangeStamp
  private listCache: { stamp: string; rows: readonly CredentialSummary[] } | null = null
  private statements = new Map<string, Statement>()
  /** Prepared once per SQL text: preparing costs more than running these small queries. */
  private stmt(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) {
      st = this.db.prepare(sql)
      this.statements.set(sql, st)
    }
    return st
  }

  /** Summary rows: `SELECT <SUMMARY_COLUMNS> FROM credentials <rest>` in raw (array) mode. */
  private summaries(rest: string): Statement {
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM credentials ${rest}`
    let st = this.statements.get(sql)
    if (!st) {
      st = this.db.prepare(sql).raw(true)
      this.statements.set(sql, st)
    }
    return st
  }

  list(filter: { service?: string; status?: CredentialStatus } = {}): CredentialSummary[] {
    const all = this.listAll()
    if (!filter.service && !filter.status) return all.slice()
    return all.filter(
      (c) =>
        (!filter.service || c.service === filter.service) && (!filter.status || c.status === filter.status),
    )
  }

  /**
   * Every summary, in list order. Cached until the table changes (see ChangeStamp): the UI lists
   * often and writes rarely, and building 10,000 summaries costs tens of milliseconds. The cached
   * objects are frozen so no caller can alter what the next one sees.
   */
  private listAll(): readonly CredentialSummary[] {
    const stamp = this.stamp.current()
    if (this.listCache?.stamp === stamp) return this.listCache.rows
    const rows = (
      this.summaries('ORDER BY service, is_primary DESC, name COLLATE NOCASE').all() as RawRow[]
    ).map((r) => deepFreeze(toSummary(r)))
    this.listCache = { stamp, rows }
    return rows
  }

  get(id: string): CredentialSummary {
    const row = this.summaries('WHERE id = ?').get(id) as RawRow | undefined
    if (!row) throw new AppError('NOT_FOUND', 'That credential does not exist (it may have been deleted).')
    return toSummary(row)
  }

  /** `service/name` (case-insensitive name), or `service` alone for its primary. */
  findByRef(ref: string): CredentialSummary {
    const slash = ref.indexOf('/')
    const service = slash < 0 ? ref : ref.slice(0, slash)
    const name = slash < 0 ? null : ref.slice(slash + 1)
    const row = (
      name === null
        ? this.summaries('WHERE service = ? AND is_primary = 1').get(service)
        : this.summaries('WHERE service = ? AND name = ? COLLATE NOCASE').get(service, name)
    ) as RawRow | undefined
    if (!row)
      throw new AppError('NOT_FOUND', `No credential "${ref}". List them with "keybridge credential list".`)
    return toSummary(row)
  }

  primaryFor(service: string): CredentialSummary | undefined {
    const row = this.summaries('WHERE service = ? AND is_primary = 1').get(service) as RawRow | undefined
    return row ? toSummary(row) : undefined
  }

  create(input: NewCredential, actor: AuditActor): CredentialSummary {
    const id = randomUUID()
    const now = this.clock.now()
    // One transaction (one fsync): the row, its sealed secrets and its audit entry land together.
    this.db.transaction(() => {
      this.assertNameFree(input.service, input.name)
      const hasPrimary = this.stmt('SELECT 1 FROM credentials WHERE service = ? AND is_primary = 1').get(
        input.service,
      )
      this.stmt(
        `INSERT INTO credentials (id, service, name, account, fields, secret_fields, secrets, status, is_primary,
          last_validated_at, validation_error, expires_at, metadata, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        input.service,
        input.name,
        input.account,
        JSON.stringify(input.fields),
        JSON.stringify(Object.keys(input.secrets).sort()),
        this.sealSecrets(id, input.secrets),
        input.status,
        hasPrimary ? 0 : 1,
        input.lastValidatedAt,
        input.validationError,
        input.expiresAt,
        JSON.stringify(input.metadata),
        now,
        now,
      )
      this.macs.sign('credentials', id)
      this.audit.record({
        actor,
        action: 'created',
        target: credentialRef(input),
        detail: { status: input.status },
      })
    })()
    this.changed()
    return this.get(id)
  }

  /** Needs the vault unlocked; a row changed outside Keybridge is refused (delete it instead). */
  update(id: string, patch: CredentialPatch, actor: AuditActor): CredentialSummary {
    const before = this.get(id)
    this.db.transaction(() => {
      this.macs.require('credentials', id)
      if (patch.name !== undefined && patch.name.toLowerCase() !== before.name.toLowerCase()) {
        this.assertNameFree(before.service, patch.name)
      }
      const sets: string[] = ['updated_at = ?']
      const args: unknown[] = [this.clock.now()]
      const set = (col: string, v: unknown) => {
        sets.push(`${col} = ?`)
        args.push(v)
      }
      if (patch.name !== undefined) set('name', patch.name)
      if (patch.account !== undefined) set('account', patch.account)
      if (patch.fields !== undefined) set('fields', JSON.stringify(patch.fields))
      if (patch.metadata !== undefined) set('metadata', JSON.stringify(patch.metadata))
      if (patch.expiresAt !== undefined) set('expires_at', patch.expiresAt)
      if (patch.secrets !== undefined) {
        const merged = { ...this.openSecrets(id), ...patch.secrets }
        for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k]
        set('secrets', this.sealSecrets(id, merged))
        set('secret_fields', JSON.stringify(Object.keys(merged).sort()))
      }
      args.push(id)
      this.stmt(`UPDATE credentials SET ${sets.join(', ')} WHERE id = ?`).run(...args)
      this.macs.sign('credentials', id)
      const renamed = patch.name !== undefined && patch.name !== before.name
      this.audit.record({
        actor,
        action: renamed ? 'renamed' : 'updated',
        target: credentialRef({ service: before.service, name: patch.name ?? before.name }),
        // Names of what changed only, never values.
        detail: {
          fields: Object.keys(patch).filter((k) => k !== 'secrets'),
          secretsChanged: patch.secrets ? Object.keys(patch.secrets).sort() : [],
          ...(renamed ? { from: before.name } : {}),
        },
      })
    })()
    this.changed()
    return this.get(id)
  }

  setValidation(id: string, v: ValidationUpdate, actor: AuditActor): CredentialSummary {
    const before = this.get(id)
    this.stmt(
      `UPDATE credentials SET status = ?, last_validated_at = ?, validation_error = ?, account = ?, metadata = ?,
         expires_at = ?, updated_at = ? WHERE id = ?`,
    ).run(
      v.status,
      v.lastValidatedAt,
      v.validationError,
      v.account === undefined ? before.account : v.account,
      JSON.stringify(v.metadata ?? before.metadata),
      v.expiresAt === undefined ? before.expiresAt : v.expiresAt,
      this.clock.now(),
      id,
    )
    const after = this.get(id)
    this.audit.record({
      actor,
      action: 'validated',
      target: credentialRef(after),
      outcome: v.status === 'active' ? 'ok' : 'error',
      detail: { status: v.status, previous: before.status },
    })
    this.changed()
    return after
  }

  /** Makes `id` the primary of its service; the old primary is demoted in the same transaction. */
  setPrimary(id: string, actor: AuditActor): CredentialSummary {
    this.keyring.require()
    const c = this.get(id)
    this.db.transaction(() => {
      this.stmt('UPDATE credentials SET is_primary = 0 WHERE service = ? AND is_primary = 1').run(c.service)
      this.stmt('UPDATE credentials SET is_primary = 1, updated_at = ? WHERE id = ?').run(
        this.clock.now(),
        id,
      )
      this.audit.record({ actor, action: 'set_primary', target: credentialRef(c) })
    })()
    this.changed()
    return this.get(id)
  }

  /**
   * Deletes (the vault must be unlocked: a locked vault is read-only); when it was the primary, the
   * oldest remaining account of the service is promoted in the same transaction.
   */
  delete(id: string, actor: AuditActor): { promoted: CredentialSummary | null } {
    this.keyring.require()
    const c = this.get(id)
    let promotedId: string | null = null
    this.db.transaction(() => {
      this.stmt('DELETE FROM credentials WHERE id = ?').run(id)
      this.macs.sign('credentials', id)
      if (c.isPrimary) {
        const next = this.stmt(
          'SELECT id FROM credentials WHERE service = ? ORDER BY created_at, name LIMIT 1',
        ).get(c.service) as { id: string } | undefined
        if (next) {
          this.stmt('UPDATE credentials SET is_primary = 1 WHERE id = ?').run(next.id)
          promotedId = next.id
        }
      }
      this.audit.record({
        actor,
        action: 'deleted',
        target: credentialRef(c),
        detail: promotedId ? { promoted: promotedId } : null,
      })
    })()
    this.changed()
    return { promoted: promotedId ? this.get(promotedId) : null }
  }

  /**
   * The decrypted secret fields of one credential, for the code that uses them (validation, the
   * bridge, reveal). Audited with the given action; `used` also counts the use.
   */
  readSecrets(id: string, use: SecretUse): Record<string, string> {
    const c = this.get(id)
    this.macs.require('credentials', id)
    const secrets = this.openSecrets(id)
    this.db.transaction(() => {
      if (use.action === 'used') {
        this.stmt('UPDATE credentials SET last_used_at = ?, use_count = use_count + 1 WHERE id = ?').run(
          this.clock.now(),
          id,
        )
      }
      this.audit.record({
        actor: use.actor,
        actorName: use.actorName ?? null,
        action: use.action,
        target: credentialRef(c),
      })
    })()
    return secrets
  }

  /** One secret field (reveal, copy), audited with the field's name. */
  readSecretField(id: string, field: string, use: SecretUse): string {
    const c = this.get(id)
    this.macs.require('credentials', id)
    const secrets = this.openSecrets(id)
    const value = Object.prototype.hasOwnProperty.call(secrets, field) ? secrets[field] : undefined
    if (value === undefined) {
      throw new AppError('NOT_FOUND', `${credentialRef(c)} has no secret field "${field}".`)
    }
    this.audit.record({
      actor: use.actor,
      actorName: use.actorName ?? null,
      action: use.action,
      target: credentialRef(c),
      detail: { field },
    })
    return value
  }

  /** Dashboard counts; `soonMs` is the "expiring soon" window (7 days by default). */
  stats(now = this.clock.now(), soonMs = 7 * 86_400_000): CredentialStats {
    const byStatus = Object.fromEntries(CredentialStatusSchema.options.map((s) => [s, 0])) as Record<
      CredentialStatus,
      number
    >
    let total = 0
    for (const r of this.stmt('SELECT status, COUNT(*) AS n FROM credentials GROUP BY status').all() as {
      status: CredentialStatus
      n: number
    }[]) {
      byStatus[r.status] = r.n
      total += r.n
    }
    const failed = (
      this.stmt(
        "SELECT COUNT(*) AS n FROM credentials WHERE status = 'unvalidated' AND validation_error IS NOT NULL",
      ).get() as { n: number }
    ).n
    const byState = { ...byStatus, unvalidated: byStatus.unvalidated - failed, check_failed: failed }
    const byService = this.stmt(
      'SELECT service, COUNT(*) AS count FROM credentials GROUP BY service ORDER BY service',
    ).all() as { service: string; count: number }[]
    const expiringSoon = this.stmt(
      `SELECT id, service, name, expires_at AS expiresAt FROM credentials
       WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at`,
    ).all(now + soonMs) as CredentialStats['expiringSoon']
    return { total, byStatus, byState, byService, expiringSoon }
  }

  /** Decrypts without auditing: for internal re-sealing (rotation, backup) only. */
  openSecrets(id: string): Record<string, string> {
    const row = this.stmt('SELECT secrets FROM credentials WHERE id = ?').get(id) as
      { secrets: Buffer } | undefined
    if (!row) throw new AppError('NOT_FOUND', 'That credential does not exist (it may have been deleted).')
    return JSON.parse(this.keyring.openString(sealLocation(COL, id), row.secrets)) as Record<string, string>
  }

  /** Every row's sealed secrets, undecrypted: lets a cache tell which rows changed (see SecretValueIndex). */
  sealedRows(): { id: string; sealed: Buffer }[] {
    return this.stmt('SELECT id, secrets AS sealed FROM credentials').all() as {
      id: string
      sealed: Buffer
    }[]
  }

  /** Decrypts one row's sealed secrets as read by sealedRows (not audited, like openSecrets). */
  openSealed(id: string, sealed: Buffer): Record<string, string> {
    return JSON.parse(this.keyring.openString(sealLocation(COL, id), sealed)) as Record<string, string>
  }

  count(): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM credentials').get() as { n: number }).n
  }

  private sealSecrets(id: string, secrets: Record<string, string>): Buffer {
    return this.keyring.seal(sealLocation(COL, id), JSON.stringify(secrets))
  }

  private assertNameFree(service: string, name: string): void {
    const clash = this.stmt('SELECT 1 FROM credentials WHERE service = ? AND name = ? COLLATE NOCASE').get(
      service,
      name,
    )
    if (clash) {
      throw new AppError(
        'CONFLICT',
        `There is already a ${service} account named "${name}". Pick another name.`,
      )
    }
  }

  private changed(): void {
    this.events.emit('credentials.changed', { at: this.clock.now() })
  }
}

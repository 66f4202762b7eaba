import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import {
  credentialRef,
  type CredentialStatus,
  type CredentialSummary,
} from '../../../shared/models/credential'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { AuditLog } from '../vault/audit'
import type { Db } from '../vault/database'
import type { Keyring } from '../vault/keyring'
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

interface Row {
  id: string
  service: string
  name: string
  account: string | null
  fields: string
  secret_fields: string
  secrets: Buffer
  status: CredentialStatus
  is_primary: number
  last_validated_at: number | null
  validation_error: string | null
  last_used_at: number | null
  use_count: number
  expires_at: number | null
  metadata: string
  created_at: number
  updated_at: number
}

const COL = SEALED_COLUMNS.find((c) => c.table === 'credentials')!
const SUMMARY_COLUMNS = `id, service, name, account, fields, secret_fields, status, is_primary, last_validated_at,
  validation_error, last_used_at, use_count, expires_at, metadata, created_at, updated_at`

function toSummary(r: Omit<Row, 'secrets'>): CredentialSummary {
  return {
    id: r.id,
    service: r.service,
    name: r.name,
    account: r.account,
    fields: JSON.parse(r.fields) as Record<string, string>,
    secretFields: JSON.parse(r.secret_fields) as string[],
    status: r.status,
    isPrimary: r.is_primary === 1,
    lastValidatedAt: r.last_validated_at,
    validationError: r.validation_error,
    lastUsedAt: r.last_used_at,
    useCount: r.use_count,
    expiresAt: r.expires_at,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
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
  ) {}

  list(filter: { service?: string; status?: CredentialStatus } = {}): CredentialSummary[] {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.service) {
      where.push('service = ?')
      args.push(filter.service)
    }
    if (filter.status) {
      where.push('status = ?')
      args.push(filter.status)
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM credentials ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY service, is_primary DESC, name COLLATE NOCASE`
    return (this.db.prepare(sql).all(...args) as Row[]).map(toSummary)
  }

  get(id: string): CredentialSummary {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM credentials WHERE id = ?`).get(id) as
      Row | undefined
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
        ? this.db
            .prepare(`SELECT ${SUMMARY_COLUMNS} FROM credentials WHERE service = ? AND is_primary = 1`)
            .get(service)
        : this.db
            .prepare(
              `SELECT ${SUMMARY_COLUMNS} FROM credentials WHERE service = ? AND name = ? COLLATE NOCASE`,
            )
            .get(service, name)
    ) as Row | undefined
    if (!row)
      throw new AppError('NOT_FOUND', `No credential "${ref}". List them with "keybridge credential list".`)
    return toSummary(row)
  }

  primaryFor(service: string): CredentialSummary | undefined {
    const row = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM credentials WHERE service = ? AND is_primary = 1`)
      .get(service) as Row | undefined
    return row ? toSummary(row) : undefined
  }

  create(input: NewCredential, actor: AuditActor): CredentialSummary {
    const id = randomUUID()
    const now = this.clock.now()
    const sealed = this.sealSecrets(id, input.secrets)
    this.db.transaction(() => {
      this.assertNameFree(input.service, input.name)
      const hasPrimary = this.primaryFor(input.service) !== undefined
      this.db
        .prepare(
          `INSERT INTO credentials (id, service, name, account, fields, secret_fields, secrets, status, is_primary,
            last_validated_at, validation_error, expires_at, metadata, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.service,
          input.name,
          input.account,
          JSON.stringify(input.fields),
          JSON.stringify(Object.keys(input.secrets).sort()),
          sealed,
          input.status,
          hasPrimary ? 0 : 1,
          input.lastValidatedAt,
          input.validationError,
          input.expiresAt,
          JSON.stringify(input.metadata),
          now,
          now,
        )
    })()
    const created = this.get(id)
    this.audit.record({
      actor,
      action: 'created',
      target: credentialRef(created),
      detail: { status: created.status },
    })
    this.changed()
    return created
  }

  update(id: string, patch: CredentialPatch, actor: AuditActor): CredentialSummary {
    const before = this.get(id)
    this.db.transaction(() => {
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
      this.db.prepare(`UPDATE credentials SET ${sets.join(', ')} WHERE id = ?`).run(...args)
    })()
    const after = this.get(id)
    const changed = Object.keys(patch).filter((k) => k !== 'secrets')
    this.audit.record({
      actor,
      action: patch.name && patch.name !== before.name ? 'renamed' : 'updated',
      target: credentialRef(after),
      detail: { fields: changed, secretsChanged: patch.secrets ? Object.keys(patch.secrets).sort() : [] },
    })
    this.changed()
    return after
  }

  setValidation(id: string, v: ValidationUpdate, actor: AuditActor): CredentialSummary {
    const before = this.get(id)
    this.db
      .prepare(
        `UPDATE credentials SET status = ?, last_validated_at = ?, validation_error = ?, account = ?, metadata = ?,
           expires_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
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
    const c = this.get(id)
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE credentials SET is_primary = 0 WHERE service = ? AND is_primary = 1')
        .run(c.service)
      this.db
        .prepare('UPDATE credentials SET is_primary = 1, updated_at = ? WHERE id = ?')
        .run(this.clock.now(), id)
    })()
    this.audit.record({ actor, action: 'set_primary', target: credentialRef(c) })
    this.changed()
    return this.get(id)
  }

  /** Deletes; when it was the primary, the oldest remaining account of the service is promoted. */
  delete(id: string, actor: AuditActor): { promoted: CredentialSummary | null } {
    const c = this.get(id)
    let promotedId: string | null = null
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM credentials WHERE id = ?').run(id)
      if (c.isPrimary) {
        const next = this.db
          .prepare('SELECT id FROM credentials WHERE service = ? ORDER BY created_at, name LIMIT 1')
          .get(c.service) as { id: string } | undefined
        if (next) {
          this.db.prepare('UPDATE credentials SET is_primary = 1 WHERE id = ?').run(next.id)
          promotedId = next.id
        }
      }
    })()
    this.audit.record({ actor, action: 'deleted', target: credentialRef(c) })
    this.changed()
    return { promoted: promotedId ? this.get(promotedId) : null }
  }

  /**
   * The decrypted secret fields of one credential, for the code that uses them (validation, the
   * bridge, reveal). Audited with the given action; `used` also counts the use.
   */
  readSecrets(id: string, use: SecretUse): Record<string, string> {
    const c = this.get(id)
    const secrets = this.openSecrets(id)
    if (use.action === 'used') {
      this.db
        .prepare('UPDATE credentials SET last_used_at = ?, use_count = use_count + 1 WHERE id = ?')
        .run(this.clock.now(), id)
    }
    this.audit.record({
      actor: use.actor,
      actorName: use.actorName ?? null,
      action: use.action,
      target: credentialRef(c),
    })
    return secrets
  }

  /** Decrypts without auditing: for internal re-sealing (rotation, backup) only. */
  openSecrets(id: string): Record<string, string> {
    const row = this.db.prepare('SELECT secrets FROM credentials WHERE id = ?').get(id) as
      { secrets: Buffer } | undefined
    if (!row) throw new AppError('NOT_FOUND', 'That credential does not exist (it may have been deleted).')
    return JSON.parse(this.keyring.openString(sealLocation(COL, id), row.secrets)) as Record<string, string>
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM credentials').get() as { n: number }).n
  }

  private sealSecrets(id: string, secrets: Record<string, string>): Buffer {
    return this.keyring.seal(sealLocation(COL, id), JSON.stringify(secrets))
  }

  private assertNameFree(service: string, name: string): void {
    const clash = this.db
      .prepare('SELECT 1 FROM credentials WHERE service = ? AND name = ? COLLATE NOCASE')
      .get(service, name)
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

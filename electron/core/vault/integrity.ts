import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import type { IntegrityReport } from '../../../shared/ipc/vault'
import type { Clock } from '../clock'
import type { AuditActor } from '../../../shared/models/audit'
import type { AuditLog } from './audit'
import type { Db } from './database'
import type { Keyring } from './keyring'
import type { GenerationStore } from './key-protector'
import { MAC_TABLES } from './mac-tables'
import type { MacFn, RowMacs } from './row-mac'

/**
 * The vault-wide integrity record (vault_meta `integrity`, MAC'd): the schema versions its rows were
 * last signed under, and a generation that grows with every signed change. The generation is also
 * kept outside the file (the OS keychain's store, when there is one), so a vault file restored to an
 * older copy is noticed at unlock.
 */
const Record_ = z.object({
  v: z.literal(1),
  generation: z.number().int().min(0),
  schema: z.record(z.string(), z.number().int()),
  /**
   * XOR of a keyed digest of every stored row MAC: a row put back to an earlier signed version of
   * itself (with its old MAC, e.g. a token before its revocation) verifies on its own but changes this.
   */
  acc: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /**
   * 1 once MACs left behind by deletes of older versions (which did not drop them) were swept: from
   * then on a MAC without its row means the row was deleted outside Keybridge.
   */
  orphansSwept: z.literal(1).optional(),
})
type IntegrityRecord = z.infer<typeof Record_>

const MAC_PREFIX = 'kb-integrity-v1\u0000'

export class Integrity {
  private rollback: { found: number; expected: number } | null = null
  /** Rows were replaced by earlier signed versions of themselves (the set digest differs). */
  private replayed = false
  /** Rows deleted outside Keybridge where a deletion can widen access (mac-tables `deletionMatters`). */
  private removed: { table: string; id: string; what: string }[] = []
  private recordTampered = false
  private flushQueued = false
  /** MAC-set changes since the record was last written (folded in by the next write). */
  private readonly pending = Buffer.alloc(32)

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly macs: RowMacs,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly generations: GenerationStore | undefined,
  ) {
    this.getMetaStmt = db.prepare('SELECT value FROM vault_meta WHERE key = ?').pluck()
    this.setMetaStmt = db.prepare(
      'INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    macs.onSigned = () => this.bump()
    macs.onMacChanged = (table, id, before, after) => {
      if (!this.keyring.unlocked) return
      if (before) xorInto(this.pending, this.entry(table, id, before))
      if (after) xorInto(this.pending, this.entry(table, id, after))
    }
  }

  private entry(table: string, id: string, mac: Buffer, fn: MacFn = (d) => this.keyring.mac(d)): Buffer {
    return fn(`kb-set-v1\u0000${table}\u0000${id}\u0000${mac.toString('hex')}`)
  }

  /** The digest of the MAC set as stored now. */
  private computeAcc(fn?: MacFn): string {
    const acc = Buffer.alloc(32)
    for (const r of this.macs.allMacs()) xorInto(acc, this.entry(r.tbl, r.row_id, r.mac, fn))
    return acc.toString('hex')
  }

  // Prepared once (in the constructor): a signed change reads and writes the record in its transaction.
  private readonly getMetaStmt
  private readonly setMetaStmt

  private meta(key: string): string | undefined {
    return this.getMetaStmt.get(key) as string | undefined
  }

  private setMeta(key: string, value: string): void {
    this.setMetaStmt.run(key, value)
  }

  private vaultId(): string | undefined {
    return this.meta('vault_id')
  }

  private schema(): Record<string, number> {
    const rows = this.db.prepare('SELECT module, version FROM schema_versions').all() as {
      module: string
      version: number
    }[]
    return Object.fromEntries(rows.map((r) => [r.module, r.version]))
  }

  /** null: no record (a vault from before row MACs); 'invalid': present but not made by Keybridge. */
  private read(mac: MacFn = (d) => this.keyring.mac(d)): IntegrityRecord | null | 'invalid' {
    const json = this.meta('integrity')
    const tag = this.meta('integrity_mac')
    if (json === undefined && tag === undefined) return null
    if (json === undefined || tag === undefined) return 'invalid'
    const expected = mac(MAC_PREFIX + json)
    const got = Buffer.from(tag, 'base64')
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return 'invalid'
    const parsed = Record_.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : 'invalid'
  }

  private write(rec: IntegrityRecord, mac: MacFn = (d) => this.keyring.mac(d)): void {
    this.pending.fill(0)
    const json = JSON.stringify(rec)
    this.setMeta('integrity', json)
    this.setMeta('integrity_mac', mac(MAC_PREFIX + json).toString('base64'))
  }

  /**
   * At every unlock: a vault without a record (first unlock after the upgrade that brought row MACs)
   * has all its rows signed; tables of a module whose migrations ran since the last signing are
   * re-signed (a migration is Keybridge's own write); rows made inert while locked are signed; then
   * the generation is compared with the one kept outside the file.
   */
  afterUnlock(): void {
    let notice: { action: string; detail: Record<string, unknown> } | null = null
    const schema = this.schema()
    this.db.transaction(() => {
      const rec = this.read()
      if (rec === 'invalid') {
        this.recordTampered = true
        return
      }
      this.recordTampered = false
      if (rec === null) {
        const rows = this.macs.signAll({ silent: true })
        this.write({ v: 1, generation: 1, schema, acc: this.computeAcc(), orphansSwept: 1 })
        // A new vault has nothing to sign; an upgraded one says how many rows it signed (trusted as found).
        if (rows > 0) notice = { action: 'integrity_initialized', detail: { rows } }
        return
      }
      this.checkRows(rec)
      // First unlock with deletion checks: what older versions' deletes left behind is not an attack.
      const swept = rec.orphansSwept === 1 ? 0 : this.macs.dropOrphans()
      const migrated = MAC_TABLES.filter((t) => (schema[t.module] ?? 0) > (rec.schema[t.module] ?? 0))
      let rows = migrated.length ? this.macs.signAll({ tables: migrated, silent: true }) : 0
      rows += this.macs.signAll({ onlyInert: true, silent: true })
      const schemaChanged = JSON.stringify(schema) !== JSON.stringify(rec.schema)
      // While rows are flagged as replayed the digest is left as it was (until the user accepts).
      if (
        !this.replayed &&
        (rows > 0 || swept > 0 || schemaChanged || rec.acc === undefined || rec.orphansSwept !== 1)
      ) {
        this.write({ v: 1, generation: rec.generation + 1, schema, acc: this.computeAcc(), orphansSwept: 1 })
      } else this.pending.fill(0)
      if (migrated.length) {
        notice = {
          action: 'integrity_resigned',
          detail: { reason: 'upgrade', tables: migrated.map((t) => t.table), rows },
        }
      }
    })()
    if (notice)
      this.audit.record({
        actor: 'system',
        ...(notice as { action: string; detail: Record<string, unknown> }),
      })
    this.checkRollback()
  }

  /** Compares the stored MAC set with the record's digest (a row replayed with its old MAC differs). */
  private checkRows(rec: IntegrityRecord): void {
    const removed = rec.orphansSwept === 1 ? this.macs.orphans() : []
    if (removed.length > 0 && this.removed.length === 0) {
      this.audit.record({
        actor: 'system',
        action: 'rollback_detected',
        outcome: 'denied',
        detail: { removed: removed.map((r) => `${r.what}: ${r.id}`).slice(0, 20) },
      })
    }
    this.removed = removed
    if (rec.acc === undefined || rec.acc === this.computeAcc()) return
    if (!this.replayed) {
      this.audit.record({
        actor: 'system',
        action: 'rollback_detected',
        outcome: 'denied',
        detail: { rows: true },
      })
    }
    this.replayed = true
  }

  private checkRollback(): void {
    const rec = this.read()
    const id = this.vaultId()
    if (!this.generations || !id || rec === null || rec === 'invalid') return
    let seen: number | null
    try {
      seen = this.generations.read(id)
    } catch {
      seen = null
    }
    if (seen !== null && rec.generation < seen) {
      if (!this.rollback) {
        this.audit.record({
          actor: 'system',
          action: 'rollback_detected',
          outcome: 'denied',
          detail: { found: rec.generation, expected: seen },
        })
      }
      this.rollback = { found: rec.generation, expected: seen }
      return
    }
    this.rollback = null
    this.flush()
  }

  /** A signed change: the generation grows (inside the caller's transaction, if any). */
  private bump(): void {
    const rec = this.read()
    if (rec === null || rec === 'invalid' || rec.acc === undefined) {
      this.pending.fill(0)
      return
    }
    const acc = Buffer.from(rec.acc, 'hex')
    xorInto(acc, this.pending)
    this.write({ ...rec, generation: rec.generation + 1, acc: acc.toString('hex') })
    if (!this.db.inTransaction) this.flush()
    else if (!this.flushQueued) {
      // The transaction is synchronous: by then it has committed (or rolled back, and the committed
      // generation, not the bumped one, is what gets recorded outside the file).
      this.flushQueued = true
      setImmediate(() => {
        this.flushQueued = false
        // The core may have closed meanwhile: close() already flushed what was committed.
        if (this.db.open && this.keyring.unlocked) this.flush()
      })
    }
  }

  /** Records the committed generation outside the file (never lowers it, never while rolled back). */
  flush(): void {
    if (!this.generations || this.rolledBack || !this.keyring.unlocked || this.db.inTransaction) return
    const rec = this.read()
    const id = this.vaultId()
    if (!id || rec === null || rec === 'invalid') return
    try {
      const seen = this.generations.read(id)
      if (seen === null || rec.generation > seen) this.generations.write(id, rec.generation)
    } catch {
      // The keychain is unavailable: rollback detection is weaker, nothing else may break.
    }
  }

  /** Rows failing now (read before a rotation re-seals anything, so they stay refused after it). */
  failing(): Set<string> {
    return this.macs.failingIds()
  }

  /** Re-signs every row under a new key's MAC (rotation, inside its transaction); tampered rows stay so. */
  resignForRotation(newMac: MacFn, failing: Set<string>): void {
    this.macs.signAll({ mac: newMac, except: failing, silent: true })
    const rec = this.read()
    const base: IntegrityRecord =
      rec === null || rec === 'invalid' ? { v: 1, generation: 1, schema: this.schema() } : rec
    this.write({ ...base, generation: base.generation + 1, acc: this.computeAcc(newMac) }, newMac)
  }

  /** Signs what an import wrote (every row that did not already fail before it). */
  signImported(failingBefore: Set<string>): number {
    return this.macs.signAll({ except: failingBefore })
  }

  get rolledBack(): boolean {
    return this.rollback !== null || this.replayed || this.removed.length > 0
  }

  report(): IntegrityReport {
    const detection = Boolean(this.generations)
    // One read transaction: the record and the MAC set from the same snapshot (another process may
    // be signing meanwhile).
    const rec = this.keyring.unlocked
      ? this.db.transaction(() => {
          const r = this.read()
          if (r && r !== 'invalid') this.checkRows(r)
          return r
        })()
      : null
    const generation = rec && rec !== 'invalid' ? rec.generation : null
    const rollback: IntegrityReport['rollback'] = this.rollback
      ? {
          kind: 'file',
          ...this.rollback,
          removed: [],
          message: `This vault file is older than the one Keybridge last saw (generation ${this.rollback.found}, expected ${this.rollback.expected}): it was restored or rolled back outside Keybridge. Revoked tokens and removed permissions may have come back; client tokens are refused until you review and accept it.`,
        }
      : this.replayed
        ? {
            kind: 'rows_replayed',
            found: generation ?? 0,
            expected: generation ?? 0,
            removed: [],
            message:
              'Some rows of this vault were put back to earlier versions of themselves outside Keybridge (a revoked token or a removed permission may have come back). Client tokens are refused until you review and accept it.',
          }
        : this.removed.length > 0
          ? {
              kind: 'rows_removed',
              found: generation ?? 0,
              expected: generation ?? 0,
              removed: this.removed.map((r) => ({ table: r.table, id: r.id })),
              message: `Some rows of this vault were deleted outside Keybridge (${this.removed
                .slice(0, 5)
                .map((r) => `${r.what} "${r.id}"`)
                .join(
                  ', ',
                )}${this.removed.length > 5 ? `, and ${this.removed.length - 5} more` : ''}): a tool you turned off or a bridge setting you chose may be back to its default. Client tokens are refused until you review and accept it.`,
            }
          : null
    if (!this.keyring.unlocked) {
      return { checked: false, tampered: [], rollback, rollbackDetection: detection, generation }
    }
    const tampered = this.macs.tampered()
    if (this.recordTampered || rec === 'invalid') {
      tampered.unshift({
        table: 'vault_meta',
        rowId: 'integrity',
        label: 'integrity record',
        what: 'vault integrity record',
        message:
          'The vault integrity record was changed outside Keybridge: rows cannot be re-signed after an upgrade until it is restored from a backup.',
        detectedAt: this.clock.now(),
      })
    }
    return { checked: true, tampered, rollback, rollbackDetection: detection, generation }
  }

  /** The user confirms the older file is theirs (they restored it): its generation becomes the one seen. */
  acceptRollback(actor: AuditActor = 'ui'): IntegrityReport {
    this.keyring.require()
    const id = this.vaultId()
    const rec = this.read()
    if ((this.rollback || this.replayed || this.removed.length > 0) && id && rec && rec !== 'invalid') {
      // The removals are accepted as they are: their MACs go, so they are not reported again.
      const removed = this.removed.length
      this.db.transaction(() => {
        this.macs.dropOrphans()
        // Jump past the generation seen, so the outside record and the file agree again.
        const next = Math.max(rec.generation, this.rollback?.expected ?? 0) + 1
        this.write({ ...rec, generation: next, acc: this.computeAcc() })
      })()
      const next = (this.read() as IntegrityRecord).generation
      try {
        this.generations?.write(id, next)
      } catch {
        // Weaker detection only.
      }
      this.audit.record({
        actor,
        action: 'rollback_accepted',
        detail: { ...(this.rollback ?? {}), rows: this.replayed, ...(removed ? { removed } : {}) },
      })
      this.rollback = null
      this.replayed = false
      this.removed = []
    }
    return this.report()
  }
}

function xorInto(target: Buffer, b: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i] ^= b[i]
}

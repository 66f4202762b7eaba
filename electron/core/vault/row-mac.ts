import type { Statement } from 'better-sqlite3'
import { createHash, timingSafeEqual } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { TamperedRow } from '../../../shared/ipc/vault'
import type { Clock } from '../clock'
import type { AuditLog } from './audit'
import type { Db } from './database'
import type { Keyring } from './keyring'
import { MAC_TABLES, macTable, type MacTable } from './mac-tables'

type Row = Record<string, unknown>
export type MacFn = (data: string) => Buffer

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * The canonical bytes a row's MAC covers: table, row id and every non-volatile column (sorted by
 * name), so a new column is covered as soon as a migration adds it and a value moved between columns
 * or rows does not verify. Blobs (sealed secrets) are included: fields are bound to their secrets.
 */
export function rowMessage(t: MacTable, row: Row): string {
  const cols = Object.keys(row)
    .filter((c) => !t.volatile.includes(c))
    .sort()
  const values = cols.map((c) => {
    const v = row[c]
    return [c, Buffer.isBuffer(v) ? { b: v.toString('base64') } : typeof v === 'bigint' ? String(v) : v]
  })
  return JSON.stringify(['kb-row-v1', t.table, String(row[t.idColumn]), values])
}

/** When a row was first reported, to word "changed outside Keybridge on …". */
function when(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

/**
 * Signs and verifies the rows of the MAC'd tables (mac-tables.ts) under the keyring's HKDF subkey.
 * A row whose MAC is missing or wrong was written by something other than Keybridge unlocked: every
 * consumer refuses it with ROW_TAMPERED (audited once per row state) and `tampered()` lists it.
 */
export class RowMacs {
  private readonly getMac
  private readonly putMac
  private readonly delMac
  private readonly reported = new Set<string>()
  /** Called after a signed change (Integrity grows the vault generation). */
  onSigned: (() => void) | null = null
  /**
   * True before a vault exists: there is no key to sign with yet, and rows written then (first-run
   * settings) are signed when the vault is created, like a vault from before row MACs.
   */
  beforeVault: () => boolean = () => false
  /** Every change of a stored MAC (old → new, null for none): Integrity keeps a digest of the set. */
  onMacChanged: ((table: string, id: string, before: Buffer | null, after: Buffer | null) => void) | null =
    null

  private put(table: string, id: string, mac: Buffer): void {
    const before = (this.getMac.get(table, id) as Buffer | undefined) ?? null
    this.putMac.run(table, id, mac, this.clock.now())
    this.onMacChanged?.(table, id, before, mac)
  }

  private drop(table: string, id: string): boolean {
    const before = (this.getMac.get(table, id) as Buffer | undefined) ?? null
    if (!before) return false
    this.delMac.run(table, id)
    this.onMacChanged?.(table, id, before, null)
    return true
  }

  /** Every stored MAC, for the set digest. */
  allMacs(): { tbl: string; row_id: string; mac: Buffer }[] {
    return this.db.prepare('SELECT tbl, row_id, mac FROM row_macs').all() as {
      tbl: string
      row_id: string
      mac: Buffer
    }[]
  }

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {
    this.getMac = db.prepare('SELECT mac FROM row_macs WHERE tbl = ? AND row_id = ?').pluck()
    this.putMac = db.prepare(
      `INSERT INTO row_macs (tbl, row_id, mac, signed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(tbl, row_id) DO UPDATE SET mac = excluded.mac, signed_at = excluded.signed_at`,
    )
    this.delMac = db.prepare('DELETE FROM row_macs WHERE tbl = ? AND row_id = ?')
  }

  get unlocked(): boolean {
    return this.keyring.unlocked
  }

  private readonly statements = new Map<string, Statement>()
  private stmt(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) {
      st = this.db.prepare(sql)
      this.statements.set(sql, st)
    }
    return st
  }

  private readRow(t: MacTable, id: string | number): Row | undefined {
    const filter = t.where ? ` AND (${t.where})` : ''
    return this.stmt(`SELECT * FROM ${q(t.table)} WHERE ${q(t.idColumn)} = ?${filter}`).get(id) as
      Row | undefined
  }

  private isInert(t: MacTable, id: string | number): boolean {
    if (!t.inert) return false
    return Boolean(
      this.db.prepare(`SELECT 1 FROM ${q(t.table)} WHERE ${q(t.idColumn)} = ? AND (${t.inert})`).get(id),
    )
  }

  /**
   * Records the MAC of a row as it is now (after a write by Keybridge). Needs the vault unlocked,
   * except for a row that became inert (a revocation), which is signed at the next unlock.
   */
  sign(table: string, id: string | number): void {
    const t = macTable(table)
    const row = this.readRow(t, id)
    if (!row) {
      // A deletion is a signed change too: the set digest in the integrity record follows it.
      if (this.drop(table, String(id)) && this.keyring.unlocked) this.onSigned?.()
      return
    }
    if (!this.keyring.unlocked && (this.beforeVault() || this.isInert(t, id))) return
    this.put(table, String(id), this.keyring.mac(rowMessage(t, row)))
    this.onSigned?.()
  }

  /** Whether a row read with `SELECT *` matches its MAC. Needs the vault unlocked. */
  verifies(table: string, row: Row, mac: MacFn = (d) => this.keyring.mac(d)): boolean {
    const t = macTable(table)
    const stored = this.getMac.get(t.table, String(row[t.idColumn])) as Buffer | undefined
    if (!stored) return false
    const expected = mac(rowMessage(t, row))
    return stored.length === expected.length && timingSafeEqual(stored, expected)
  }

  /**
   * The row as stored, verified: throws ROW_TAMPERED (audited) when it fails, VAULT_LOCKED when the
   * vault is locked (nothing can be verified then), NOT_FOUND when it is absent.
   */
  require(table: string, id: string | number): Row {
    const t = macTable(table)
    this.keyring.require()
    const row = this.readRow(t, id)
    if (!row) throw new AppError('NOT_FOUND', `That ${t.what} does not exist (it may have been removed).`)
    if (!this.verifies(table, row)) this.refuse(t, row)
    return row
  }

  /** Verifies a row the caller already read with `SELECT *`. */
  requireRow(table: string, row: Row): void {
    this.keyring.require()
    if (!this.verifies(table, row)) this.refuse(macTable(table), row)
  }

  private refuse(t: MacTable, row: Row): never {
    const id = String(row[t.idColumn])
    const label = String(row[t.labelColumn] ?? id)
    const stored = this.getMac.get(t.table, id) as Buffer | undefined
    // Audited once per row content: the same change seen again is not a new event.
    const key = createHash('sha256').update(rowMessage(t, row)).digest('hex')
    if (!this.reported.has(key)) {
      this.reported.add(key)
      this.audit.record({
        actor: 'system',
        action: 'row_tampered',
        target: `${t.table}/${label}`,
        outcome: 'denied',
        detail: { table: t.table, rowId: id, reason: stored ? 'changed' : 'unsigned' },
      })
    }
    throw new AppError(
      'ROW_TAMPERED',
      `The ${t.what} "${label}" was changed outside Keybridge on ${when(this.firstReported(t, label))}: review or delete it. It is not used until then.`,
      { table: t.table, rowId: id, label },
    )
  }

  private firstReported(t: MacTable, label: string): number {
    const at = this.db
      .prepare("SELECT MIN(at) FROM audit_log WHERE action = 'row_tampered' AND target = ?")
      .pluck()
      .get(`${t.table}/${label}`) as number | null
    return at ?? this.clock.now()
  }

  private *rows(t: MacTable): Iterable<Row> {
    const filter = t.where ? ` WHERE (${t.where})` : ''
    yield* this.db.prepare(`SELECT * FROM ${q(t.table)}${filter}`).all() as Row[]
  }

  private tableExists(table: string): boolean {
    return Boolean(
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table),
    )
  }

  /** Every covered row that fails its MAC (inert rows excepted), each audited once. Needs unlock. */
  tampered(): TamperedRow[] {
    this.keyring.require()
    const out: TamperedRow[] = []
    for (const t of MAC_TABLES) {
      if (!this.tableExists(t.table)) continue
      const inert = new Set(this.inertIds(t))
      for (const row of this.rows(t)) {
        if (inert.has(String(row[t.idColumn])) || this.verifies(t.table, row)) continue
        try {
          this.refuse(t, row)
        } catch (e) {
          out.push({
            table: t.table,
            rowId: String(row[t.idColumn]),
            label: String(row[t.labelColumn] ?? row[t.idColumn]),
            what: t.what,
            message: (e as Error).message,
            detectedAt: this.firstReported(t, String(row[t.labelColumn] ?? row[t.idColumn])),
          })
        }
      }
    }
    return out
  }

  private inertIds(t: MacTable): string[] {
    if (!t.inert) return []
    return (
      this.db
        .prepare(`SELECT ${q(t.idColumn)} FROM ${q(t.table)} WHERE (${t.inert})`)
        .pluck()
        .all() as unknown[]
    ).map(String)
  }

  /** Ids of covered rows that fail now (for "sign what an import wrote, not what was already bad"). */
  failingIds(): Set<string> {
    const out = new Set<string>()
    for (const t of MAC_TABLES) {
      if (!this.tableExists(t.table)) continue
      for (const row of this.rows(t)) {
        if (!this.verifies(t.table, row)) out.add(`${t.table}\u0000${String(row[t.idColumn])}`)
      }
    }
    return out
  }

  /**
   * Signs every covered row of the given tables (all by default) with `mac` (the current key unless
   * given: rotation passes the new key's), skipping `except` ("table\0id"), and drops MACs of rows
   * that no longer exist. Returns how many rows were signed.
   */
  /** MACs whose row is gone, in the tables where a deletion matters: rows removed outside Keybridge. */
  orphans(): { table: string; id: string; what: string }[] {
    const out: { table: string; id: string; what: string }[] = []
    for (const t of MAC_TABLES) {
      if (!t.deletionMatters || !this.tableExists(t.table)) continue
      const filter = t.where ? ` AND (${t.where})` : ''
      const gone = this.db
        .prepare(
          `SELECT m.row_id FROM row_macs m WHERE m.tbl = ? AND NOT EXISTS (SELECT 1 FROM ${q(t.table)} r WHERE CAST(r.${q(t.idColumn)} AS TEXT) = m.row_id${filter})`,
        )
        .pluck()
        .all(t.table) as string[]
      for (const id of gone) out.push({ table: t.table, id, what: t.what })
    }
    return out
  }

  /** Forgets the MACs `orphans()` lists (the user accepted the removals, or an upgrade's one-time sweep). */
  dropOrphans(): number {
    const gone = this.orphans()
    for (const o of gone) this.drop(o.table, o.id)
    return gone.length
  }

  signAll(
    opts: {
      tables?: readonly MacTable[]
      except?: Set<string>
      mac?: MacFn
      onlyInert?: boolean
      /** Do not grow the generation (the caller writes the integrity record itself). */
      silent?: boolean
    } = {},
  ): number {
    const mac = opts.mac ?? ((d: string) => this.keyring.mac(d))
    let n = 0
    for (const t of opts.tables ?? MAC_TABLES) {
      if (!this.tableExists(t.table)) continue
      const inert = opts.onlyInert ? new Set(this.inertIds(t)) : null
      if (opts.onlyInert && inert!.size === 0) continue
      const ids = new Set<string>()
      for (const row of this.rows(t)) {
        const id = String(row[t.idColumn])
        ids.add(id)
        if (inert && !inert.has(id)) continue
        if (opts.except?.has(`${t.table}\u0000${id}`)) continue
        this.put(t.table, id, mac(rowMessage(t, row)))
        n++
      }
      if (!opts.onlyInert) {
        for (const id of this.db
          .prepare('SELECT row_id FROM row_macs WHERE tbl = ?')
          .pluck()
          .all(t.table) as string[]) {
          if (!ids.has(id)) this.drop(t.table, id)
        }
      }
    }
    if (n > 0 && !opts.silent) this.onSigned?.()
    return n
  }
}

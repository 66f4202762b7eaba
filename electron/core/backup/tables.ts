import type { Db } from '../vault/database'
import type { SealedColumn } from '../vault/sealed-columns'

/**
 * Tables a backup never carries: SQLite's own, the migration ledger, the key material of THIS
 * vault (keyslots, vault_meta, row_macs), the machine-local backup schedule with its sealed key, and
 * the daily audit aggregate (derived: its triggers rebuild it from the audit rows an import brings).
 */
export const INTERNAL_TABLES = new Set([
  'schema_versions',
  'keyslots',
  'vault_meta',
  'backup_schedule',
  // MACs are under THIS vault's key: an import signs what it brings (vault/row-mac.ts).
  'row_macs',
  // Undo copies of this machine's rewritten config files.
  'config_undo',
  'audit_daily',
])
export const AUDIT_TABLE = 'audit_log'

export interface ColumnInfo {
  name: string
  type: string
  notNull: boolean
  hasDefault: boolean
  /** Position in the primary key (1-based), 0 if not part of it. */
  pk: number
}

export interface ForeignKey {
  from: string
  table: string
  /** Referenced column; null means the parent's primary key. */
  to: string | null
}

export interface UniqueKey {
  columns: string[]
  /** Collation per column (BINARY, NOCASE, RTRIM). */
  collations: string[]
}

export interface TableInfo {
  name: string
  columns: ColumnInfo[]
  primaryKey: string[]
  foreignKeys: ForeignKey[]
  /** Non-partial UNIQUE constraints and indexes other than the primary key. */
  uniqueKeys: UniqueKey[]
  sealed: SealedColumn[]
}

export const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Every user table of the vault that a backup carries (virtual tables and their shadows excluded). */
export function exportableTables(db: Db, opts: { includeAudit: boolean }): string[] {
  const rows = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .all() as { name: string; sql: string | null }[]
  const virtual = rows.filter((r) => /^\s*CREATE\s+VIRTUAL/i.test(r.sql ?? '')).map((r) => r.name)
  return rows
    .map((r) => r.name)
    .filter((n) => !INTERNAL_TABLES.has(n))
    .filter((n) => opts.includeAudit || n !== AUDIT_TABLE)
    .filter((n) => !virtual.some((v) => n === v || n.startsWith(`${v}_`)))
    .sort()
}

export function tableInfo(db: Db, name: string, sealed: readonly SealedColumn[]): TableInfo {
  const q = quoteId(name)
  const columns = (
    db.prepare(`PRAGMA table_info(${q})`).all() as {
      name: string
      type: string
      notnull: number
      dflt_value: unknown
      pk: number
    }[]
  ).map((c) => ({
    name: c.name,
    type: c.type.toUpperCase(),
    notNull: c.notnull === 1,
    hasDefault: c.dflt_value !== null,
    pk: c.pk,
  }))
  const primaryKey = columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name)
  const foreignKeys = (
    db.prepare(`PRAGMA foreign_key_list(${q})`).all() as { from: string; table: string; to: string | null }[]
  ).map((f) => ({ from: f.from, table: f.table, to: f.to }))
  const sealedHere = sealed.filter((s) => s.table === name)
  const uniqueKeys: UniqueKey[] = []
  const indexes = db.prepare(`PRAGMA index_list(${q})`).all() as {
    name: string
    unique: number
    origin: string
    partial: number
  }[]
  for (const ix of indexes) {
    if (!ix.unique || ix.partial || ix.origin === 'pk') continue
    const cols = (
      db.prepare(`PRAGMA index_xinfo(${quoteId(ix.name)})`).all() as {
        name: string | null
        coll: string
        key: number
      }[]
    ).filter((c) => c.key === 1)
    if (cols.some((c) => c.name === null)) continue // an expression index
    uniqueKeys.push({ columns: cols.map((c) => c.name!), collations: cols.map((c) => c.coll.toUpperCase()) })
  }
  return { name, columns, primaryKey, foreignKeys, uniqueKeys, sealed: sealedHere }
}

/** Parents before children (by foreign keys), so merged children can point at their parents' final ids. */
export function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const out: TableInfo[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (t: TableInfo) => {
    if (state.get(t.name)) return // done, or a cycle: deferred foreign keys cover it
    state.set(t.name, 'visiting')
    for (const fk of t.foreignKeys) {
      const parent = byName.get(fk.table)
      if (parent && parent !== t) visit(parent)
    }
    state.set(t.name, 'done')
    out.push(t)
  }
  for (const t of tables) visit(t)
  return out
}

import type { Db } from '../vault/database'
import type { TableInfo } from './tables'

/**
 * How an import recognises "the same object" in two vaults, and the few per-table invariants a
 * merge must keep. Tables not named here fall back to their first UNIQUE constraint, then their
 * primary key, so features added later are handled without touching this file.
 */
interface TableRule {
  key?: { columns: string[]; nocase?: string[] }
  /** Columns whose value in this vault survives an overwrite. */
  keepOnOverwrite?: string[]
  /** Adjusts a row a merge is about to insert. */
  beforeInsert?(db: Db, row: Record<string, unknown>): void
  /** Restores the table's invariants after a merge or a replace, inside the same transaction. */
  afterImport?(db: Db): void
}

export const TABLE_RULES: Record<string, TableRule> = {
  credentials: {
    key: { columns: ['service', 'name'], nocase: ['name'] },
    // The primary account of a service is this vault's choice; exactly one per service.
    keepOnOverwrite: ['is_primary'],
    beforeInsert(db, row) {
      if (row['is_primary'] !== 1 && row['is_primary'] !== 1n) return
      const has = db
        .prepare('SELECT 1 FROM credentials WHERE service = ? AND is_primary = 1')
        .get(row['service'])
      if (has) row['is_primary'] = 0
    },
    afterImport(db) {
      db.prepare(
        `UPDATE credentials SET is_primary = 1 WHERE id IN (
           SELECT (SELECT c2.id FROM credentials c2 WHERE c2.service = c.service ORDER BY c2.created_at, c2.name LIMIT 1)
           FROM credentials c GROUP BY c.service HAVING SUM(c.is_primary) = 0)`,
      ).run()
    },
  },
  settings: { key: { columns: ['key'] } },
  ha_instances: { key: { columns: ['name'], nocase: ['name'] } },
  bridge_tokens: { key: { columns: ['name'], nocase: ['name'] } },
  bridge_upstreams: { key: { columns: ['name'] } },
  bridge_tool_permissions: { key: { columns: ['tool'] } },
  // Audit rows have no identity but their content: re-importing a backup does not duplicate them.
  audit_log: { key: { columns: ['at', 'actor', 'actor_name', 'action', 'target', 'outcome', 'detail'] } },
}

export interface NaturalKey {
  columns: string[]
  collations: string[]
  source: 'registry' | 'unique' | 'primary' | 'row'
  /** Whether key values may be shown in a preview (never for keys that look like hashes or tokens). */
  showValues: boolean
}

const SENSITIVE = /hash|secret|token|password|cipher|sealed/i

export function naturalKey(t: TableInfo): NaturalKey {
  const names = new Set(t.columns.map((c) => c.name))
  const sealed = new Set(t.sealed.map((s) => s.column))
  const rule = TABLE_RULES[t.name]?.key
  if (rule && rule.columns.every((c) => names.has(c) && !sealed.has(c))) {
    return {
      columns: rule.columns,
      collations: rule.columns.map((c) => (rule.nocase?.includes(c) ? 'NOCASE' : 'BINARY')),
      source: 'registry',
      showValues: true,
    }
  }
  const show = (cols: string[]) => !cols.some((c) => SENSITIVE.test(c))
  const unique = t.uniqueKeys.find((u) => !u.columns.some((c) => sealed.has(c)))
  if (unique) return { ...unique, source: 'unique', showValues: show(unique.columns) }
  if (t.primaryKey.length && !t.primaryKey.some((c) => sealed.has(c))) {
    return {
      columns: t.primaryKey,
      collations: t.primaryKey.map(() => 'BINARY'),
      source: 'primary',
      showValues: show(t.primaryKey),
    }
  }
  const all = t.columns.map((c) => c.name).filter((c) => !sealed.has(c))
  return { columns: all, collations: all.map(() => 'BINARY'), source: 'row', showValues: false }
}

/** SQLite's own folding: NOCASE folds ASCII letters only, RTRIM ignores trailing spaces. */
function fold(v: unknown, collation: string): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : `int:${v}`
  }
  if (Buffer.isBuffer(v)) return `blob:${v.toString('base64')}`
  if (typeof v !== 'string') return v
  if (collation === 'NOCASE') return v.replace(/[A-Z]/g, (c) => c.toLowerCase())
  if (collation === 'RTRIM') return v.replace(/ +$/, '')
  return v
}

/** A map key for one row's natural key; null when a UNIQUE key has a NULL part (NULLs are distinct there). */
export function keyOf(k: NaturalKey, row: Record<string, unknown>): string | null {
  const parts = k.columns.map((c, i) => fold(row[c] ?? null, k.collations[i]))
  if (k.source === 'unique' && parts.some((p) => p === null)) return null
  return JSON.stringify(parts)
}

export function keyLabel(k: NaturalKey, row: Record<string, unknown>): string | null {
  if (!k.showValues) return null
  return k.columns.map((c) => String(row[c] ?? '')).join('/')
}

export function ruleFor(table: string): TableRule {
  return TABLE_RULES[table] ?? {}
}

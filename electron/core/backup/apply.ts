import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { ImportMode, OnConflict, TablePreview } from '../../../shared/ipc/backup'
import type { Db } from '../vault/database'
import type { Keyring } from '../vault/keyring'
import { sealLocation, type SealedColumn } from '../vault/sealed-columns'
import { keyLabel, keyOf, naturalKey, ruleFor, type NaturalKey } from './natural-keys'
import { exportableTables, parentsFirst, quoteId, tableInfo, type TableInfo } from './tables'

export interface ApplyOptions {
  target: Db
  staged: Db
  keyring: Keyring
  sealed: readonly SealedColumn[]
  mode: ImportMode
  onConflict: OnConflict
  includesAudit: boolean
  onProgress?(done: number, total: number): void
}

type Row = Record<string, unknown>
/** How a row is addressed for UPDATE: its primary key columns, or the rowid when it has none. */
interface Handle {
  where: string[]
  values: unknown[]
  pk: unknown
}

const MAX_LABELS = 20
const idKey = (v: unknown) => (v === null || v === undefined ? '' : String(v))

class TablePlan {
  readonly key: NaturalKey
  readonly index = new Map<string, Handle>()
  readonly pks = new Set<string>()
  readonly existing: number
  readonly idMap = new Map<string, unknown>()
  private nextInt: bigint | null = null
  readonly singlePk: string | null

  constructor(
    readonly t: TableInfo,
    db: Db,
  ) {
    this.key = naturalKey(t)
    this.singlePk = t.primaryKey.length === 1 ? t.primaryKey[0] : null
    const handleCols = t.primaryKey.length ? t.primaryKey : ['rowid']
    const cols = [...new Set([...handleCols, ...this.key.columns])]
    const rows = db
      .prepare(
        `SELECT ${cols.map((c) => (c === 'rowid' ? 'rowid' : quoteId(c))).join(', ')} FROM ${quoteId(t.name)}`,
      )
      .safeIntegers(true)
      .all() as Row[]
    this.existing = rows.length
    for (const r of rows) {
      const handle = {
        where: handleCols,
        values: handleCols.map((c) => r[c]),
        pk: this.singlePk ? r[this.singlePk] : null,
      }
      const k = keyOf(this.key, r)
      if (k !== null && !this.index.has(k)) this.index.set(k, handle)
      if (this.singlePk) this.pks.add(idKey(r[this.singlePk]))
    }
  }

  /** A primary key no row of this vault has: the next integer, or a new UUID for text keys. */
  freshPk(db: Db): unknown {
    const col = this.t.columns.find((c) => c.name === this.singlePk)!
    if (col.type.includes('INT')) {
      if (this.nextInt === null) {
        const max = db
          .prepare(`SELECT COALESCE(MAX(${quoteId(col.name)}), 0) AS m FROM ${quoteId(this.t.name)}`)
          .safeIntegers(true)
          .get() as { m: bigint }
        this.nextInt = BigInt(max.m)
      }
      this.nextInt += 1n
      return this.nextInt
    }
    let id: string
    do id = randomUUID()
    while (this.pks.has(id))
    return id
  }
}

function emptyPreview(table: string, existing: number): TablePreview {
  return {
    table,
    incoming: 0,
    existing,
    new: 0,
    conflicts: 0,
    added: 0,
    overwritten: 0,
    skipped: 0,
    deleted: 0,
    conflictKeys: [],
  }
}

/**
 * Writes the staged backup into the vault. Must run inside the caller's transaction (which commits,
 * or rolls back for a dry run or on any error), so an import is all or nothing. Every sealed
 * column is re-sealed under this vault's key and key version, bound to the row's final id.
 */
export function applyStaged(o: ApplyOptions): TablePreview[] {
  const { target, staged, keyring } = o
  if (!target.inTransaction) throw new Error('applyStaged must run inside a transaction')
  keyring.require()
  target.pragma('defer_foreign_keys = ON')
  const stagedTables = new Set(exportableTables(staged, { includeAudit: o.includesAudit }))
  const tables = parentsFirst(
    exportableTables(target, { includeAudit: o.includesAudit })
      .filter((n) => stagedTables.has(n))
      .map((n) => tableInfo(target, n, o.sealed)),
  )
  const plans = new Map(tables.map((t) => [t.name, new TablePlan(t, target)]))
  const previews = new Map(tables.map((t) => [t.name, emptyPreview(t.name, plans.get(t.name)!.existing)]))
  const total = tables.reduce(
    (n, t) => n + (staged.prepare(`SELECT COUNT(*) AS n FROM ${quoteId(t.name)}`).get() as { n: number }).n,
    0,
  )
  let done = 0
  o.onProgress?.(0, total)

  if (o.mode === 'replace') {
    for (const t of [...tables].reverse()) {
      previews.get(t.name)!.deleted = target.prepare(`DELETE FROM ${quoteId(t.name)}`).run().changes
    }
  }

  for (const t of tables) {
    const plan = plans.get(t.name)!
    const preview = previews.get(t.name)!
    const rule = ruleFor(t.name)
    const columns = t.columns.map((c) => c.name)
    const insert = target.prepare(
      `INSERT INTO ${quoteId(t.name)} (${columns.map(quoteId).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    )
    const keep = new Set([...t.primaryKey, ...(rule.keepOnOverwrite ?? [])])
    const updatable = columns.filter((c) => !keep.has(c))
    const handleCols = t.primaryKey.length ? t.primaryKey : ['rowid']
    const update = updatable.length
      ? target.prepare(
          `UPDATE ${quoteId(t.name)} SET ${updatable.map((c) => `${quoteId(c)} = ?`).join(', ')} WHERE ${handleCols
            .map((c) => `${c === 'rowid' ? 'rowid' : quoteId(c)} = ?`)
            .join(' AND ')}`,
        )
      : null
    const fks = t.foreignKeys
      .map((fk) => ({ fk, parent: plans.get(fk.table) }))
      .filter((f) => f.parent && (f.fk.to === null || f.fk.to === f.parent.singlePk))

    const stmt = staged
      .prepare(`SELECT ${columns.map(quoteId).join(', ')} FROM ${quoteId(t.name)}`)
      .safeIntegers(true)
    for (const row of stmt.iterate() as IterableIterator<Row>) {
      preview.incoming++
      // Children follow their parents to the ids the parents got in this vault.
      for (const { fk, parent } of fks) {
        const v = row[fk.from]
        if (v !== null && v !== undefined && parent!.idMap.has(idKey(v)))
          row[fk.from] = parent!.idMap.get(idKey(v))
      }
      const k = keyOf(plan.key, row)
      const match = k === null ? undefined : plan.index.get(k)
      if (match) {
        preview.conflicts++
        const label = keyLabel(plan.key, row)
        if (label !== null && preview.conflictKeys.length < MAX_LABELS) preview.conflictKeys.push(label)
      }
      const original = plan.singlePk ? row[plan.singlePk] : null
      if (o.mode === 'merge' && match) {
        if (plan.singlePk) plan.idMap.set(idKey(original), match.pk)
        if (o.onConflict === 'skip' || !update) {
          preview.skipped++
        } else {
          if (plan.singlePk) row[plan.singlePk] = match.pk
          sealRow(t, row, keyring)
          update.run(...updatable.map((c) => row[c]), ...match.values)
          preview.overwritten++
        }
      } else {
        if (o.mode === 'merge' && plan.singlePk) {
          if (plan.pks.has(idKey(original))) row[plan.singlePk] = plan.freshPk(target)
          plan.idMap.set(idKey(original), row[plan.singlePk])
          plan.pks.add(idKey(row[plan.singlePk]))
          rule.beforeInsert?.(target, row)
        }
        sealRow(t, row, keyring)
        insert.run(...columns.map((c) => row[c]))
        preview.added++
      }
      if (++done % 500 === 0) o.onProgress?.(done, total)
    }
    preview.new = preview.incoming - preview.conflicts
  }
  for (const t of tables) ruleFor(t.name).afterImport?.(target)
  const broken = target.pragma('foreign_key_check') as { table: string; parent: string }[]
  if (broken.length) {
    throw new AppError(
      'CONFLICT',
      `The backup cannot be merged: a row of "${broken[0].table}" would point at a missing row of "${broken[0].parent}". Nothing was changed.`,
    )
  }
  o.onProgress?.(total, total)
  return tables.map((t) => previews.get(t.name)!)
}

/** Replaces each plaintext sealed value of the row by a blob sealed for its final location. */
function sealRow(t: TableInfo, row: Row, keyring: Keyring): void {
  for (const s of t.sealed) {
    const plain = row[s.column]
    if (plain === null || plain === undefined) continue
    row[s.column] = keyring.seal(sealLocation(s, String(row[s.idColumn])), plain as Buffer)
  }
}

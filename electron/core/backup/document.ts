import { z } from 'zod'

/**
 * The decrypted payload: the vault's content as JSON (docs/BACKUP-FORMAT.md). Tables are stored
 * column-wise-named, row-wise-valued (`columns` + `rows` of cells) to stay compact at 10,000 rows.
 * Cells are JSON null/number/string, or a tagged object for what JSON cannot carry:
 * `{"$blob": base64}`, `{"$sealed": base64 of the OPENED plaintext}`, `{"$int": "big integer"}`,
 * `{"$real": "Infinity"|"-Infinity"}`.
 */
export const DOCUMENT_KIND = 'keybridge-vault'

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
export const Cell = z.union([
  z.null(),
  z.number(),
  z.string(),
  z.object({ $blob: Base64 }).strict(),
  z.object({ $sealed: Base64 }).strict(),
  z.object({ $int: z.string().regex(/^-?\d{1,20}$/) }).strict(),
  z.object({ $real: z.enum(['Infinity', '-Infinity']) }).strict(),
])
export type Cell = z.infer<typeof Cell>

const Identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'not a plain SQL identifier')

export const TableDump = z
  .object({ columns: z.array(Identifier).min(1), rows: z.array(z.array(Cell)) })
  .strict()
  .superRefine((t, ctx) => {
    if (new Set(t.columns).size !== t.columns.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate column' })
    const bad = t.rows.findIndex((r) => r.length !== t.columns.length)
    if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['rows', bad], message: 'wrong number of cells' })
  })
export type TableDump = z.infer<typeof TableDump>

export const BackupDocument = z
  .object({
    kind: z.literal(DOCUMENT_KIND),
    createdAt: z.number().int(),
    appVersion: z.string().max(100),
    /** Every module's schema version in the exporting vault (table schema_versions). */
    schemaVersions: z.record(Identifier, z.number().int().min(0)),
    includesAudit: z.boolean(),
    tables: z.record(Identifier, TableDump),
  })
  .strict()
export type BackupDocument = z.infer<typeof BackupDocument>

export function encodeValue(v: unknown): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : { $int: v.toString() }
  }
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v
    return { $real: v > 0 ? 'Infinity' : '-Infinity' }
  }
  if (typeof v === 'string') return v
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $blob: Buffer.from(v).toString('base64') }
  throw new Error(`unsupported SQLite value of type ${typeof v}`)
}

/** Back to a SQLite value; sealed cells come back as plaintext Buffers, flagged by the caller. */
export function decodeCell(c: Cell): { value: null | number | bigint | string | Buffer; sealed: boolean } {
  if (c === null || typeof c === 'number' || typeof c === 'string') return { value: c, sealed: false }
  if ('$blob' in c) return { value: Buffer.from(c.$blob, 'base64'), sealed: false }
  if ('$sealed' in c) return { value: Buffer.from(c.$sealed, 'base64'), sealed: true }
  if ('$int' in c) return { value: BigInt(c.$int), sealed: false }
  return { value: c.$real === 'Infinity' ? Infinity : -Infinity, sealed: false }
}

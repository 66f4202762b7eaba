import { AppError } from '../../../shared/errors'
import type { PermissionLevel, RequiredLevel } from '../../../shared/ipc/bridge'
import type { Clock } from '../clock'
import type { Db } from '../vault/database'
import type { RowMacs } from '../vault/row-mac'
import { ChangeStamp } from './change-stamp'
import type { ToolAnnotations } from './tool-source'

const RANK: Record<PermissionLevel, number> = { off: 0, read: 1, write: 2, execute: 3 }

/**
 * What a tool needs, from its MCP annotations: readOnlyHint → read; otherwise destructiveHint
 * (which defaults to true per the spec) → execute; an explicitly non-destructive tool → write.
 */
export function requiredLevel(a: ToolAnnotations): RequiredLevel {
  if (a.readOnlyHint === true) return 'read'
  return a.destructiveHint === false ? 'write' : 'execute'
}

export interface ToolPermission {
  level: PermissionLevel
  ask: boolean
  isDefault: boolean
}

/**
 * Defaults for a tool nobody has configured: read-only tools run, write and execute tools ask. A tool
 * whose annotations are only a claim (an upstream server the user has not trusted) asks whatever it
 * claims: a server lying with readOnlyHint must not run unprompted.
 */
export function defaultPermission(required: RequiredLevel, hintsTrusted = true): ToolPermission {
  return { level: required, ask: !hintsTrusted || required !== 'read', isDefault: true }
}

/** Whether a tool's annotations are trusted: Keybridge's own tools, or an upstream the user trusts. */
export function hintsTrusted(tool: { hintsTrusted?: boolean }): boolean {
  return tool.hintsTrusted !== false
}

export function levelAllows(level: PermissionLevel, required: RequiredLevel): boolean {
  return RANK[level] >= RANK[required]
}

interface Row {
  tool: string
  level: PermissionLevel
  ask: number
}

/** What a row changed outside Keybridge grants: nothing (the tool is off until reviewed). */
const REFUSED: Row = { tool: '', level: 'off', ask: 1 }

/**
 * The user's per-tool choices. Checks read a per-tool cache that is emptied whenever the vault changes
 * (any write through this connection, or a commit by another one such as the CLI while `serve` runs),
 * so a change applies to the next call without a SQLite lookup on every call.
 */
export class PermissionStore {
  private readonly one
  private readonly upsert
  private readonly stamp: ChangeStamp
  private cache = new Map<string, Row | null>()
  private cacheGen = -1

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Every row is MAC'd (mac-tables.ts): a forged "no ask" or raised level is refused. */
    private readonly macs: RowMacs,
  ) {
    this.one = db.prepare('SELECT * FROM bridge_tool_permissions WHERE tool = ?')
    this.upsert = db.prepare(
      `INSERT INTO bridge_tool_permissions (tool, level, ask, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(tool) DO UPDATE SET level = excluded.level, ask = excluded.ask, updated_at = excluded.updated_at`,
    )
    this.stamp = ChangeStamp.of(db)
  }

  get(tool: string, required: RequiredLevel, trusted = true): ToolPermission {
    // The request's token check has just read the vault's change stamp; a caller outside a request
    // reads it again when that reading is older than 50 ms.
    const gen = this.stamp.recent(50)
    if (gen !== this.cacheGen) {
      this.cache.clear()
      this.cacheGen = gen
    }
    // Rows are only trusted verified: locked (no request gets this far then), a stored row grants nothing.
    if (!this.macs.unlocked) return { level: 'off', ask: true, isDefault: false }
    let row = this.cache.get(tool)
    if (row === undefined) {
      row = this.checked((this.one.get(tool) as (Row & Record<string, unknown>) | undefined) ?? null)
      // Keys are names of registered tools (unknown tools are refused before), so this stays small.
      if (this.cache.size >= 4096) this.cache.clear()
      this.cache.set(tool, row)
    }
    return row
      ? { level: row.level, ask: row.ask === 1, isDefault: false }
      : defaultPermission(required, trusted)
  }

  /** A row that fails its MAC (audited) reads as off; unverifiable while locked, shown as stored. */
  private checked(row: (Row & Record<string, unknown>) | null): Row | null {
    if (!row || !this.macs.unlocked) return row
    try {
      this.macs.requireRow('bridge_tool_permissions', row)
      return row
    } catch {
      return { ...REFUSED, tool: row.tool }
    }
  }

  all(): Map<string, ToolPermission> {
    const rows = (
      this.db.prepare('SELECT * FROM bridge_tool_permissions').all() as (Row & Record<string, unknown>)[]
    ).map((r) => this.checked(r)!)
    return new Map(rows.map((r) => [r.tool, { level: r.level, ask: r.ask === 1, isDefault: false }]))
  }

  /** Changing a permission needs the vault unlocked: the row is signed in the same transaction. */
  set(tool: string, level: PermissionLevel, ask: boolean): void {
    if (!tool) throw new AppError('INVALID_INPUT', 'Name the tool to change.')
    this.setMany([{ tool, level, ask }])
  }

  setMany(entries: { tool: string; level: PermissionLevel; ask: boolean }[]): void {
    this.db.transaction(() => {
      for (const e of entries) {
        this.upsert.run(e.tool, e.level, e.ask ? 1 : 0, this.clock.now())
        this.macs.sign('bridge_tool_permissions', e.tool)
      }
    })()
  }
}

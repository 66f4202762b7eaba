import { AppError } from '../../../shared/errors'
import type { PermissionLevel, RequiredLevel } from '../../../shared/ipc/bridge'
import type { Clock } from '../clock'
import type { Db } from '../vault/database'
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

/** Defaults for a tool nobody has configured: read-only tools run, write and execute tools ask. */
export function defaultPermission(required: RequiredLevel): ToolPermission {
  return { level: required, ask: required !== 'read', isDefault: true }
}

export function levelAllows(level: PermissionLevel, required: RequiredLevel): boolean {
  return RANK[level] >= RANK[required]
}

interface Row {
  tool: string
  level: PermissionLevel
  ask: number
}

/**
 * The user's per-tool choices. Read from SQLite on each check (a prepared lookup by primary key), so
 * a change made by the CLI while `serve` runs applies to the next call.
 */
export class PermissionStore {
  private readonly one
  private readonly upsert

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.one = db.prepare('SELECT tool, level, ask FROM bridge_tool_permissions WHERE tool = ?')
    this.upsert = db.prepare(
      `INSERT INTO bridge_tool_permissions (tool, level, ask, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(tool) DO UPDATE SET level = excluded.level, ask = excluded.ask, updated_at = excluded.updated_at`,
    )
  }

  get(tool: string, required: RequiredLevel): ToolPermission {
    const row = this.one.get(tool) as Row | undefined
    return row ? { level: row.level, ask: row.ask === 1, isDefault: false } : defaultPermission(required)
  }

  all(): Map<string, ToolPermission> {
    const rows = this.db.prepare('SELECT tool, level, ask FROM bridge_tool_permissions').all() as Row[]
    return new Map(rows.map((r) => [r.tool, { level: r.level, ask: r.ask === 1, isDefault: false }]))
  }

  set(tool: string, level: PermissionLevel, ask: boolean): void {
    if (!tool) throw new AppError('INVALID_INPUT', 'Name the tool to change.')
    this.upsert.run(tool, level, ask ? 1 : 0, this.clock.now())
  }

  setMany(entries: { tool: string; level: PermissionLevel; ask: boolean }[]): void {
    this.db.transaction(() => {
      for (const e of entries) this.upsert.run(e.tool, e.level, e.ask ? 1 : 0, this.clock.now())
    })()
  }
}

/**
 * Every table whose rows decide where a secret goes or who may use it, across features. Each row of
 * these tables carries a MAC (in `row_macs`) over ALL its columns except the listed volatile ones, so
 * a column a later migration adds is authenticated without touching this list. A feature that adds
 * such a table registers it here (like sealed-columns.ts for sealed blobs); a write to a covered
 * column must be followed by `RowMacs.sign` in the same transaction.
 */
export interface MacTable {
  table: string
  /** The feature whose migrations create it (a migration of that module re-signs it at next unlock). */
  module: string
  /** Stable row identity: the row_macs key. */
  idColumn: string
  /** Columns that change in normal use and decide nothing (usage counters, caches, timestamps). */
  volatile: readonly string[]
  /** Restricts which rows are covered (SQL over the table's columns); all rows when absent. */
  where?: string
  /**
   * Rows matching this are refused by every consumer whatever their other columns say (a revoked
   * token), so they may be written while the vault is locked; they are re-signed at the next unlock.
   */
  inert?: string
  /** How the row is named to the user ("changed outside Keybridge: review or delete …"). */
  labelColumn: string
  /** What the user should look at to review it. */
  what: string
  /**
   * A row deleted outside Keybridge is noticed (its MAC stays behind): set where deleting a row can
   * widen access (a tool turned off comes back to its default; a bridge setting to its default).
   * Keybridge's own deletes drop the MAC (`RowMacs.sign` of a row that is gone).
   */
  deletionMatters?: boolean
}

export const MAC_TABLES: readonly MacTable[] = [
  {
    table: 'credentials',
    module: 'credentials',
    idColumn: 'id',
    labelColumn: 'name',
    what: 'credential',
    volatile: [
      'account',
      'status',
      'is_primary',
      'last_validated_at',
      'validation_error',
      'last_used_at',
      'use_count',
      'expires_at',
      'metadata',
      'updated_at',
    ],
  },
  {
    table: 'ha_instances',
    module: 'homeassistant',
    idColumn: 'id',
    labelColumn: 'name',
    what: 'Home Assistant instance',
    volatile: ['last_probe', 'updated_at'],
  },
  {
    table: 'bridge_upstreams',
    module: 'bridge',
    idColumn: 'id',
    labelColumn: 'name',
    what: 'upstream server',
    volatile: ['tools_cache', 'updated_at', 'last_error', 'status'],
  },
  {
    table: 'bridge_tokens',
    module: 'bridge',
    idColumn: 'id',
    labelColumn: 'name',
    what: 'client token',
    volatile: ['last_used_at', 'use_count', 'last_client', 'first_used_at'],
    inert: 'revoked_at IS NOT NULL',
  },
  {
    table: 'bridge_tool_permissions',
    module: 'bridge',
    idColumn: 'tool',
    labelColumn: 'tool',
    what: 'tool permission',
    volatile: ['updated_at'],
    deletionMatters: true,
  },
  {
    // "Always allow" answers: a row added outside Keybridge would let a client skip a prompt.
    table: 'bridge_approval_grants',
    module: 'bridge',
    idColumn: 'id',
    labelColumn: 'tool',
    what: '"always allow" answer',
    volatile: [],
  },
  {
    table: 'settings',
    module: 'vault',
    idColumn: 'key',
    labelColumn: 'key',
    what: 'bridge setting',
    volatile: [],
    deletionMatters: true,
    where: "key LIKE 'bridge.%' OR key LIKE 'security.%'",
  },
]

/** Whether a settings key is covered (Settings.set signs those). */
export function isMacSetting(key: string): boolean {
  return key.startsWith('bridge.') || key.startsWith('security.')
}

export function macTable(table: string): MacTable {
  const t = MAC_TABLES.find((m) => m.table === table)
  if (!t) throw new Error(`${table} is not a MAC'd table`)
  return t
}

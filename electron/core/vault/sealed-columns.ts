/**
 * Every column in the vault that holds a sealed blob, across features. Key rotation re-seals them
 * all in one transaction and backups open and re-seal them, so a feature that adds a sealed
 * column must register it here (its row id column is what the AAD binds to).
 */
export interface SealedColumn {
  table: string
  idColumn: string
  column: string
}

export const SEALED_COLUMNS: SealedColumn[] = [
  { table: 'credentials', idColumn: 'id', column: 'secrets' },
  { table: 'bridge_upstreams', idColumn: 'id', column: 'env' },
  { table: 'bridge_upstreams', idColumn: 'id', column: 'headers' },
  { table: 'bridge_upstream_grants', idColumn: 'upstream_id', column: 'client' },
  { table: 'bridge_upstream_grants', idColumn: 'upstream_id', column: 'tokens' },
  { table: 'bridge_upstream_grants', idColumn: 'upstream_id', column: 'discovery' },
  { table: 'ha_instances', idColumn: 'id', column: 'token' },
  { table: 'backup_schedule', idColumn: 'id', column: 'backup_key' },
  { table: 'config_undo', idColumn: 'id', column: 'original' },
]

/** The AAD location of one sealed column of one row: field is the column name. */
export function sealLocation(
  col: SealedColumn,
  rowId: string | number,
): { table: string; rowId: string; field: string } {
  return { table: col.table, rowId: String(rowId), field: col.column }
}

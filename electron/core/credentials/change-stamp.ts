import type { Db } from '../vault/database'

/**
 * A cheap "has this table changed?" stamp, for caches. Connection-local TEMP triggers count every
 * insert, update and delete on the table made through this connection, whoever makes it, and
 * `PRAGMA data_version` moves when another connection (the CLI, the app) commits.
 */
export class ChangeStamp {
  private readonly counter
  constructor(
    private readonly db: Db,
    table: string,
  ) {
    const t = `kb_changes_${table}`
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS ${t} (n INTEGER NOT NULL);
      INSERT INTO ${t} (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM ${t});
      CREATE TEMP TRIGGER IF NOT EXISTS ${t}_i AFTER INSERT ON main.${table} BEGIN UPDATE ${t} SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${t}_u AFTER UPDATE ON main.${table} BEGIN UPDATE ${t} SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${t}_d AFTER DELETE ON main.${table} BEGIN UPDATE ${t} SET n = n + 1; END;
    `)
    this.counter = db.prepare(`SELECT n FROM temp.${t}`).pluck()
  }

  current(): string {
    return `${this.db.pragma('data_version', { simple: true }) as number}:${this.counter.get() as number}`
  }
}

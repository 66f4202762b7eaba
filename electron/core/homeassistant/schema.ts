import type { Migration } from '../vault/migrations'

export const homeassistantMigrations: Migration[] = [
  {
    version: 1,
    name: 'ha_instances',
    up(db) {
      db.exec(`
        CREATE TABLE ha_instances (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          slug TEXT NOT NULL UNIQUE,
          url TEXT NOT NULL,
          token BLOB NOT NULL,
          allowed_domains TEXT NOT NULL DEFAULT '[]',
          last_probe TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
      `)
    },
  },
]

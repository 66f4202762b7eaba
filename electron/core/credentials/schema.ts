import type { Migration } from '../vault/migrations'

export const credentialMigrations: Migration[] = [
  {
    version: 1,
    name: 'credentials',
    up(db) {
      db.exec(`
        CREATE TABLE credentials (
          id TEXT PRIMARY KEY,
          service TEXT NOT NULL,
          name TEXT NOT NULL,
          account TEXT,
          fields TEXT NOT NULL DEFAULT '{}',
          secret_fields TEXT NOT NULL DEFAULT '[]',
          secrets BLOB NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('active', 'invalid', 'expired', 'revoked', 'unvalidated')),
          is_primary INTEGER NOT NULL DEFAULT 0,
          last_validated_at INTEGER,
          validation_error TEXT,
          last_used_at INTEGER,
          use_count INTEGER NOT NULL DEFAULT 0,
          expires_at INTEGER,
          metadata TEXT NOT NULL DEFAULT '{}',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          UNIQUE (service, name COLLATE NOCASE)
        );
        CREATE UNIQUE INDEX credentials_one_primary ON credentials (service) WHERE is_primary = 1;
        CREATE INDEX credentials_service ON credentials (service, name);
      `)
    },
  },
  {
    version: 2,
    name: 'listing order index',
    up(db) {
      // The list's own order, so listing 10,000 rows needs no sort; lookups by name use the UNIQUE index.
      db.exec(`
        DROP INDEX credentials_service;
        CREATE INDEX credentials_listing ON credentials (service, is_primary DESC, name COLLATE NOCASE);
      `)
    },
  },
]

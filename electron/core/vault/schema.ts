import type { Migration } from './migrations'

/** The vault module's own tables: metadata, keyslots, settings, audit. Credentials come in later migrations. */
export const vaultMigrations: Migration[] = [
  {
    version: 1,
    name: 'vault core',
    up(db) {
      db.exec(`
        CREATE TABLE vault_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE keyslots (
          kind TEXT PRIMARY KEY CHECK (kind IN ('os', 'password')),
          params TEXT NOT NULL,
          wrapped BLOB NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          actor_name TEXT,
          action TEXT NOT NULL,
          target TEXT,
          outcome TEXT NOT NULL,
          duration_ms REAL,
          detail TEXT
        );
        CREATE INDEX audit_log_at ON audit_log (at);
      `)
    },
  },
  {
    version: 2,
    name: 'audit filters',
    up(db) {
      db.exec(`
        CREATE INDEX audit_log_target ON audit_log (target, at);
        CREATE INDEX audit_log_action ON audit_log (action, at);
      `)
    },
  },
  {
    version: 3,
    name: 'row MACs',
    up(db) {
      // One MAC per row of every table in mac-tables.ts (signed at the first unlock after upgrade).
      db.exec(`
        CREATE TABLE row_macs (
          tbl TEXT NOT NULL,
          row_id TEXT NOT NULL,
          mac BLOB NOT NULL,
          signed_at INTEGER NOT NULL,
          PRIMARY KEY (tbl, row_id)
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    version: 4,
    name: 'config rewrite undo copies',
    up(db) {
      // The original of a client config Keybridge rewrote, sealed (it holds the secrets it moved):
      // never a plaintext .bak beside the file. `target` is the real file a symlinked path pointed to.
      db.exec(`
        CREATE TABLE config_undo (
          id TEXT PRIMARY KEY,
          path TEXT NOT NULL,
          target TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          original BLOB NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX config_undo_target ON config_undo (target, created_at);
      `)
    },
  },
]

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
  {
    version: 5,
    name: 'audit pre-aggregated per local day',
    up(db) {
      // Kept by triggers, so every writer (the audit log, retention, backup import) keeps it exact, in the
      // transaction of the rows themselves. The day is the local calendar date (SQLite's localtime is the
      // process's time zone, as JavaScript's Date is). actor_name and target are '' when absent.
      db.exec(`
        CREATE TABLE audit_daily (
          day TEXT NOT NULL,
          actor TEXT NOT NULL,
          actor_name TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT NOT NULL,
          outcome TEXT NOT NULL,
          calls INTEGER NOT NULL,
          duration_ms REAL NOT NULL,
          PRIMARY KEY (day, actor, actor_name, action, target, outcome)
        ) WITHOUT ROWID;
        CREATE INDEX audit_daily_actor_name ON audit_daily (actor_name, day);
        -- The dashboard's last 24 hours by hour and outcome, from the index alone (same entries, plus outcome).
        DROP INDEX audit_log_action;
        CREATE INDEX audit_log_action ON audit_log (action, at, outcome);
        INSERT INTO audit_daily
          SELECT date(at / 1000, 'unixepoch', 'localtime'), actor, COALESCE(actor_name, ''), action,
                 COALESCE(target, ''), outcome, COUNT(*), COALESCE(SUM(duration_ms), 0)
          FROM audit_log GROUP BY 1, 2, 3, 4, 5, 6;
        CREATE TRIGGER audit_daily_add AFTER INSERT ON audit_log BEGIN
          INSERT INTO audit_daily (day, actor, actor_name, action, target, outcome, calls, duration_ms)
          VALUES (date(NEW.at / 1000, 'unixepoch', 'localtime'), NEW.actor, COALESCE(NEW.actor_name, ''),
                  NEW.action, COALESCE(NEW.target, ''), NEW.outcome, 1, COALESCE(NEW.duration_ms, 0))
          ON CONFLICT DO UPDATE SET calls = calls + 1, duration_ms = duration_ms + excluded.duration_ms;
        END;
        CREATE TRIGGER audit_daily_remove AFTER DELETE ON audit_log BEGIN
          UPDATE audit_daily SET calls = calls - 1, duration_ms = duration_ms - COALESCE(OLD.duration_ms, 0)
          WHERE day = date(OLD.at / 1000, 'unixepoch', 'localtime') AND actor = OLD.actor
            AND actor_name = COALESCE(OLD.actor_name, '') AND action = OLD.action
            AND target = COALESCE(OLD.target, '') AND outcome = OLD.outcome;
          DELETE FROM audit_daily
          WHERE calls <= 0 AND day = date(OLD.at / 1000, 'unixepoch', 'localtime') AND actor = OLD.actor
            AND actor_name = COALESCE(OLD.actor_name, '') AND action = OLD.action
            AND target = COALESCE(OLD.target, '') AND outcome = OLD.outcome;
        END;
      `)
    },
  },
]

import type { Migration } from '../vault/migrations'

/**
 * The backup schedule of this machine (one row). `backup_key` is the scheduled-backup key derived
 * once from the passphrase, sealed under the vault key (see SEALED_COLUMNS), so automatic backups
 * run while the vault is unlocked without keeping the passphrase. Never exported.
 */
export const backupMigrations: Migration[] = [
  {
    version: 1,
    name: 'backup schedule',
    up(db) {
      db.exec(`
        CREATE TABLE backup_schedule (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          enabled INTEGER NOT NULL DEFAULT 0,
          folder TEXT,
          interval_minutes INTEGER NOT NULL,
          keep_last INTEGER NOT NULL,
          include_audit INTEGER NOT NULL DEFAULT 0,
          kdf TEXT,
          backup_key BLOB,
          last_run_at INTEGER,
          last_file TEXT,
          last_error TEXT,
          updated_at INTEGER NOT NULL
        );
      `)
    },
  },
  {
    version: 2,
    name: 'backup schedule: the last error as a code',
    up(db) {
      // The UI says the last failure in its own language from the code (last_error stays English).
      db.exec('ALTER TABLE backup_schedule ADD COLUMN last_error_code TEXT')
    },
  },
]

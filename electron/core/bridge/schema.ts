import type { Migration } from '../vault/migrations'

export const bridgeMigrations: Migration[] = [
  {
    version: 1,
    name: 'bridge tokens, tool permissions, upstream servers',
    up(db) {
      db.exec(`
        CREATE TABLE bridge_tokens (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL COLLATE NOCASE UNIQUE,
          hash BLOB NOT NULL UNIQUE,           -- SHA-256 of the token: the value itself is never stored
          display TEXT NOT NULL,               -- kb_AbCd…wxyz
          scopes TEXT NOT NULL DEFAULT '[]',
          created_at INTEGER NOT NULL,
          expires_at INTEGER,
          revoked_at INTEGER,
          last_used_at INTEGER,
          use_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE bridge_tool_permissions (
          tool TEXT PRIMARY KEY,
          level TEXT NOT NULL CHECK (level IN ('off','read','write','execute')),
          ask INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE bridge_upstreams (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          command TEXT NOT NULL,
          args TEXT NOT NULL DEFAULT '[]',
          env_keys TEXT NOT NULL DEFAULT '[]', -- [{key, kind, reference}]: never a literal value
          env BLOB NOT NULL,                   -- sealed JSON {KEY: value}
          enabled INTEGER NOT NULL DEFAULT 1,
          tools_cache TEXT NOT NULL DEFAULT '[]',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
      `)
    },
  },
  {
    version: 2,
    name: 'daily and monthly call quotas per client token',
    up(db) {
      // Plain columns (null = no quota); what is used is counted from the daily audit aggregate.
      db.exec(`
        ALTER TABLE bridge_tokens ADD COLUMN daily_quota INTEGER;
        ALTER TABLE bridge_tokens ADD COLUMN monthly_quota INTEGER;
      `)
    },
  },
]

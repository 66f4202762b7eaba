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
    name: 'tool identities (source/original name), per-client upstream processes, call maximum',
    up(db) {
      db.exec(`
        ALTER TABLE bridge_upstreams ADD COLUMN per_session INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE bridge_upstreams ADD COLUMN max_call_seconds INTEGER NOT NULL DEFAULT 600;
      `)
      // Permissions were keyed by the dotted display name (`homeassistant.home.get_state`,
      // `github.api_read`, `every.echo`); they are now keyed by identity, whose separators are `/`.
      // Token scopes need no rewrite: a scope's `.` and `/` both match either separator (scope.ts).
      const rows = db.prepare('SELECT tool FROM bridge_tool_permissions').all() as { tool: string }[]
      const update = db.prepare('UPDATE OR REPLACE bridge_tool_permissions SET tool = ? WHERE tool = ?')
      for (const { tool } of rows) {
        const id = legacyToIdentity(tool)
        if (id !== tool) update.run(id, tool)
      }
    },
  },
  {
    version: 3,
    name: 'per-token "always allow" grants, trust in an upstream server\'s annotations',
    up(db) {
      db.exec(`
        CREATE TABLE bridge_approval_grants (
          token_id TEXT NOT NULL,              -- bridge_tokens.id: "always allow" is per client token
          tool TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (token_id, tool)
        );
        -- 1: the user accepted this server's annotations (readOnlyHint...) as its tools' defaults.
        ALTER TABLE bridge_upstreams ADD COLUMN trust_hints INTEGER NOT NULL DEFAULT 0;
      `)
    },
  },
  {
    version: 4,
    name: 'daily and monthly call quotas per client token',
    up(db) {
      // Plain columns (null = no quota); what is used is counted from the daily audit aggregate.
      db.exec(`
        ALTER TABLE bridge_tokens ADD COLUMN daily_quota INTEGER;
        ALTER TABLE bridge_tokens ADD COLUMN monthly_quota INTEGER;
      `)
    },
  },
  {
    version: 5,
    name: 'remote upstreams (URL, transport, sealed headers) and their OAuth grants',
    up(db) {
      db.exec(`
        ALTER TABLE bridge_upstreams ADD COLUMN kind TEXT NOT NULL DEFAULT 'stdio'; -- stdio | remote
        ALTER TABLE bridge_upstreams ADD COLUMN url TEXT;
        ALTER TABLE bridge_upstreams ADD COLUMN transport TEXT;                     -- streamable-http | sse
        ALTER TABLE bridge_upstreams ADD COLUMN header_keys TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE bridge_upstreams ADD COLUMN headers BLOB;                       -- sealed JSON {Name: value}
        ALTER TABLE bridge_upstreams ADD COLUMN allow_http INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE bridge_upstream_grants (
          upstream_id TEXT PRIMARY KEY REFERENCES bridge_upstreams(id) ON DELETE CASCADE,
          client BLOB,                 -- sealed JSON OAuth client information (id, secret, issuer)
          tokens BLOB,                 -- sealed JSON OAuth tokens (access, refresh, issuer)
          discovery BLOB,              -- sealed JSON discovery state (public, but it says where tokens go)
          status TEXT NOT NULL DEFAULT 'none',  -- none | signed_in | needs_sign_in
          scope TEXT,                  -- granted scope
          wanted_scope TEXT,           -- a wider scope a 403 insufficient_scope asked for (step-up)
          expires_at INTEGER,
          updated_at INTEGER NOT NULL
        );
      `)
    },
  },
  {
    version: 6,
    name: '"always allow" grants get one key, so each row is MAC\'d like the permissions',
    up(db) {
      db.exec(`
        CREATE TABLE bridge_approval_grants_new (
          id TEXT PRIMARY KEY,                 -- token_id + ' ' + tool: the row MAC's key
          token_id TEXT NOT NULL,
          tool TEXT NOT NULL,                  -- the tool's identity
          created_at INTEGER NOT NULL,
          UNIQUE (token_id, tool)
        );
        INSERT INTO bridge_approval_grants_new (id, token_id, tool, created_at)
          SELECT token_id || ' ' || tool, token_id, tool, created_at FROM bridge_approval_grants;
        DROP TABLE bridge_approval_grants;
        ALTER TABLE bridge_approval_grants_new RENAME TO bridge_approval_grants;
      `)
    },
  },
]

/** `homeassistant.<slug>.<tool>` → `homeassistant/<slug>/<tool>`; `<source>.<tool>` → `<source>/<tool>`. */
export function legacyToIdentity(name: string): string {
  const dots = name.startsWith('homeassistant.') ? 2 : 1
  let out = name
  for (let i = 0; i < dots; i++) out = out.replace('.', '/')
  return out
}

import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../../../shared/errors'
import type { UpstreamInput } from '../../../../shared/ipc/bridge'
import type { Clock } from '../../clock'
import type { Db } from '../../vault/database'
import type { Keyring } from '../../vault/keyring'
import type { RowMacs } from '../../vault/row-mac'
import { SEALED_COLUMNS, sealLocation } from '../../vault/sealed-columns'
import { wholeReference } from './env-template'
import { VaultGrantStorage } from './remote/grant-store'

const COL = SEALED_COLUMNS.find((c) => c.table === 'bridge_upstreams' && c.column === 'env')!
const HEADERS_COL = SEALED_COLUMNS.find((c) => c.table === 'bridge_upstreams' && c.column === 'headers')!

export const CachedTool = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()),
  icons: z.array(z.record(z.string(), z.unknown())).optional(),
  execution: z.record(z.string(), z.unknown()).optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
})
export type CachedTool = z.infer<typeof CachedTool>

export interface EnvKey {
  key: string
  kind: 'reference' | 'literal'
  reference: string | null
}

export interface UpstreamConfig {
  id: string
  name: string
  command: string
  args: string[]
  envKeys: EnvKey[]
  enabled: boolean
  /** One process per client session (servers that keep per-user state) instead of one shared. */
  perSession: boolean
  /** The longest one call may run, progress or not. */
  maxCallSeconds: number
  /** The user accepted this server's annotations (readOnlyHint...) as its tools' defaults. */
  trustHints: boolean
  toolsCache: CachedTool[]
  createdAt: number
  /** #18: a remote upstream (reached by URL) instead of a child process. */
  kind: 'stdio' | 'remote'
  url: string | null
  transport: 'streamable-http' | 'sse' | null
  headerKeys: EnvKey[]
  allowHttp: boolean
}

interface Row {
  id: string
  name: string
  command: string
  args: string
  env_keys: string
  enabled: number
  per_session: number
  max_call_seconds: number
  trust_hints: number
  tools_cache: string
  created_at: number
  kind: string
  url: string | null
  transport: string | null
  header_keys: string
  allow_http: number
}

const COLUMNS =
  'id, name, command, args, env_keys, enabled, per_session, max_call_seconds, trust_hints, tools_cache, created_at, kind, url, transport, header_keys, allow_http'

function keysOf(map: Record<string, string>): EnvKey[] {
  return Object.entries(map).map(([key, value]) => {
    const reference = wholeReference(value)
    return { key, kind: reference ? 'reference' : 'literal', reference }
  })
}

function toConfig(r: Row): UpstreamConfig {
  const cache = z.array(CachedTool).safeParse(JSON.parse(r.tools_cache))
  return {
    id: r.id,
    name: r.name,
    command: r.command,
    args: JSON.parse(r.args) as string[],
    envKeys: JSON.parse(r.env_keys) as EnvKey[],
    enabled: r.enabled === 1,
    perSession: r.per_session === 1,
    maxCallSeconds: r.max_call_seconds,
    trustHints: r.trust_hints === 1,
    toolsCache: cache.success ? cache.data : [],
    createdAt: r.created_at,
    kind: r.kind === 'remote' ? 'remote' : 'stdio',
    url: r.url,
    transport: r.transport === 'sse' ? 'sse' : r.transport === 'streamable-http' ? 'streamable-http' : null,
    headerKeys: JSON.parse(r.header_keys) as EnvKey[],
    allowHttp: r.allow_http === 1,
  }
}

/**
 * Upstream MCP server definitions. The environment map is sealed as a whole (a literal value may be a
 * secret, and nothing says which); only key names and `{{credential:...}}` references are stored in
 * the clear, for lists.
 */
export class UpstreamStore {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    /** Command, args, env keys and enabled are MAC'd with the sealed env (mac-tables.ts). */
    private readonly macs: RowMacs,
  ) {}

  add(input: z.output<typeof UpstreamInput>): UpstreamConfig {
    if (this.find(input.name)) {
      throw new AppError('CONFLICT', `There is already an upstream server named "${input.name}".`)
    }
    this.keyring.require()
    const id = randomUUID()
    const now = this.clock.now()
    const envKeys = keysOf(input.env)
    const sealed = this.keyring.seal(sealLocation(COL, id), JSON.stringify(input.env))
    this.db
      .prepare(
        `INSERT INTO bridge_upstreams (id, name, command, args, env_keys, env, enabled, per_session, max_call_seconds, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.name,
        input.command,
        JSON.stringify(input.args),
        JSON.stringify(envKeys),
        sealed,
        input.enabled ? 1 : 0,
        input.perSession ? 1 : 0,
        input.maxCallSeconds ?? 600,
        now,
        now,
      )
    this.macs.sign('bridge_upstreams', id)
    return this.require(input.name)
  }

  list(): UpstreamConfig[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM bridge_upstreams ORDER BY name`).all() as Row[]).map(
      toConfig,
    )
  }

  find(name: string): UpstreamConfig | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM bridge_upstreams WHERE name = ?`).get(name) as
      Row | undefined
    return row ? toConfig(row) : undefined
  }

  require(name: string): UpstreamConfig {
    const c = this.find(name)
    if (!c)
      throw new AppError(
        'NOT_FOUND',
        `No upstream server named "${name}". List them with "keybridge upstream list".`,
      )
    return c
  }

  remove(name: string): UpstreamConfig {
    const c = this.require(name)
    const prefix = c.name.replace(/[\\%_]/g, (m) => '\\' + m) + '/%'
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM bridge_upstreams WHERE id = ?').run(c.id)
      this.macs.sign('bridge_upstreams', c.id)
      // Each deleted row's MAC goes too (signing a row that is gone drops it): a permission MAC left
      // behind would read as a row deleted outside Keybridge.
      const permissions = this.db
        .prepare("SELECT tool FROM bridge_tool_permissions WHERE tool LIKE ? ESCAPE '\\'")
        .pluck()
        .all(prefix) as string[]
      this.db.prepare("DELETE FROM bridge_tool_permissions WHERE tool LIKE ? ESCAPE '\\'").run(prefix)
      for (const tool of permissions) this.macs.sign('bridge_tool_permissions', tool)
      // A server added again under this name must not inherit the old one's "always allow" answers.
      const grants = this.db
        .prepare("SELECT id FROM bridge_approval_grants WHERE tool LIKE ? ESCAPE '\\'")
        .pluck()
        .all(prefix) as string[]
      this.db.prepare("DELETE FROM bridge_approval_grants WHERE tool LIKE ? ESCAPE '\\'").run(prefix)
      for (const id of grants) this.macs.sign('bridge_approval_grants', id)
    })()
    return c
  }

  /** The environment with its templates still unresolved (needs the vault unlocked). */
  openEnv(id: string): Record<string, string> {
    const row = this.db.prepare('SELECT env FROM bridge_upstreams WHERE id = ?').get(id) as
      { env: Buffer } | undefined
    if (!row) throw new AppError('NOT_FOUND', 'That upstream server no longer exists.')
    return JSON.parse(this.keyring.openString(sealLocation(COL, id), row.env)) as Record<string, string>
  }

  /** #18: a remote upstream; header values (which may be literal secrets) are sealed as a whole. */
  addRemote(input: {
    name: string
    url: string
    transport: 'streamable-http' | 'sse'
    headers: Record<string, string>
    allowHttp: boolean
    enabled: boolean
  }): UpstreamConfig {
    if (this.find(input.name)) {
      throw new AppError('CONFLICT', `There is already an upstream server named "${input.name}".`)
    }
    this.keyring.require()
    const id = randomUUID()
    const now = this.clock.now()
    const env = this.keyring.seal(sealLocation(COL, id), '{}')
    // The URL is sealed with the headers: they open only for the server they were given for.
    const headers = this.keyring.seal(
      sealLocation(HEADERS_COL, id),
      JSON.stringify({ url: input.url, headers: input.headers }),
    )
    this.db
      .prepare(
        `INSERT INTO bridge_upstreams (id, name, command, args, env_keys, env, enabled, created_at, updated_at,
           kind, url, transport, header_keys, headers, allow_http)
         VALUES (?, ?, '', '[]', '[]', ?, ?, ?, ?, 'remote', ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.name,
        env,
        input.enabled ? 1 : 0,
        now,
        now,
        input.url,
        input.transport,
        JSON.stringify(keysOf(input.headers)),
        headers,
        input.allowHttp ? 1 : 0,
      )
    // URL, transport, header names and the sealed headers are covered like command and env.
    this.macs.sign('bridge_upstreams', id)
    return this.require(input.name)
  }

  /** #18: a remote upstream's headers with their templates unresolved (needs the vault unlocked). */
  openHeaders(id: string): Record<string, string> {
    const row = this.db.prepare('SELECT headers, url FROM bridge_upstreams WHERE id = ?').get(id) as
      { headers: Buffer | null; url: string | null } | undefined
    if (!row) throw new AppError('NOT_FOUND', 'That upstream server no longer exists.')
    if (!row.headers) return {}
    const sealed = JSON.parse(this.keyring.openString(sealLocation(HEADERS_COL, id), row.headers)) as {
      url: string
      headers: Record<string, string>
    }
    if (sealed.url !== row.url) {
      throw new AppError(
        'SECRET_TAMPERED',
        "This remote server's URL was changed outside Keybridge: its headers are not sent there. Remove it and add it again.",
      )
    }
    return sealed.headers
  }

  /** #18: the sealed OAuth client and grant of one remote upstream. */
  grantStorage(id: string, onTokens?: () => void): VaultGrantStorage {
    const row = this.db.prepare('SELECT url FROM bridge_upstreams WHERE id = ?').get(id) as
      { url: string | null } | undefined
    return new VaultGrantStorage(this.db, this.keyring, this.clock, id, row?.url ?? '', onTokens)
  }

  /**
   * The definition as stored, verified: what a child is started with. A row changed outside Keybridge
   * (command, args, env keys, enabled) is refused with ROW_TAMPERED before anything is spawned.
   */
  verified(id: string): UpstreamConfig {
    return toConfig(this.macs.require('bridge_upstreams', id) as unknown as Row)
  }

  /** Enables or disables a server (imported ones arrive disabled). Needs the vault unlocked. */
  setEnabled(name: string, enabled: boolean): UpstreamConfig {
    const c = this.require(name)
    this.db.transaction(() => {
      this.macs.require('bridge_upstreams', c.id)
      this.db
        .prepare('UPDATE bridge_upstreams SET enabled = ?, updated_at = ? WHERE id = ?')
        .run(enabled ? 1 : 0, this.clock.now(), c.id)
      this.macs.sign('bridge_upstreams', c.id)
    })()
    return this.require(name)
  }

  /** Trust (or stop trusting) this server's annotations: a signed column, so the vault must be open. */
  setTrustHints(id: string, trusted: boolean): void {
    this.db.transaction(() => {
      this.macs.require('bridge_upstreams', id)
      this.db
        .prepare('UPDATE bridge_upstreams SET trust_hints = ?, updated_at = ? WHERE id = ?')
        .run(trusted ? 1 : 0, this.clock.now(), id)
      this.macs.sign('bridge_upstreams', id)
    })()
  }

  saveToolsCache(id: string, tools: CachedTool[]): void {
    this.db
      .prepare('UPDATE bridge_upstreams SET tools_cache = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(tools), this.clock.now(), id)
  }
}

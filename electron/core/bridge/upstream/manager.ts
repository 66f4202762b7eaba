import type { z } from 'zod'
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../../shared/errors'
import { UpstreamInput, type UpstreamSummary } from '../../../../shared/ipc/bridge'
import type { CredentialStore } from '../../credentials/store'
import type { Keyring } from '../../vault/keyring'
import { relaySchema } from '../json-schema'
import { exposedName } from '../names'
import type { BridgeTool, CallRoute, ToolAnnotations, ToolSource } from '../tool-source'
import {
  UpstreamConnection,
  DEFAULT_BREAKER,
  stdioEndpoint,
  type BreakerPolicy,
  type ConnectionDeps,
  type UpstreamEndpoint,
} from './connection'
import { referencesIn, resolveTemplate } from './env-template'
import type { CachedTool, UpstreamConfig, UpstreamStore } from './store'
import type { RemoteUpstreamInput } from '../../../../shared/ipc/bridgeRemote'
import { RemoteUpstreams, type RemoteDeps } from './remote/remote-upstreams'

export const UPSTREAM_SOURCE_ID = 'upstream'

import { reservedUpstreamName } from './reserved-names'

export { reservedUpstreamName }

/** What the relay needs to know about one running upstream connection. */
export interface LiveUpstream {
  config: UpstreamConfig
  conn: UpstreamConnection
}

export interface UpstreamHooks {
  /** An upstream's notification (resources/prompts changed, a log message), with the session it is for (per-client processes). */
  notified?(
    upstream: UpstreamConfig,
    method: string,
    params: Record<string, unknown> | undefined,
    sessionId?: string,
  ): void
  answer?: (upstream: UpstreamConfig) => ConnectionDeps['answer']
  /** Readable notes about a server (URI clashes), from the relay. */
  notes?(upstream: string): string[]
  /** The route of a session, for requests a per-client process sends outside a call. */
  sessionRoute?(sessionId: string): CallRoute | undefined
}

/**
 * All upstream servers: their definitions (store), their running children (connections) and their
 * tools as one ToolSource. A tool's identity is `<server>/<tool>` (the upstream's own name, sent back
 * on a call); its exposed name `<server>_<tool>` follows names.ts. Children run only while the bridge
 * runs and the vault is unlocked. A server marked "one process per client" gets one child per client
 * session (started at its first use, stopped with the session) beside the shared one that lists its
 * tools.
 */
export class UpstreamManager implements ToolSource {
  readonly id = UPSTREAM_SOURCE_ID
  private connections = new Map<string, UpstreamConnection>()
  /** Per-client processes: `<config id>\n<session id>` → connection. */
  private perSession = new Map<string, UpstreamConnection>()
  private listeners = new Set<() => void>()
  private running = false
  /** #18: remote (URL) upstreams: transports, OAuth, sign-in flows. */
  readonly remote: RemoteUpstreams
  private signInWatch: NodeJS.Timeout | null = null
  hooks: UpstreamHooks = {}
  /** How to reach an upstream (tests and remote upstreams swap it; default: its stdio command). */
  endpointFor: (config: UpstreamConfig) => UpstreamEndpoint = (c) =>
    c.kind === 'remote' ? this.remote.endpoint(c) : stdioEndpoint(c.command, c.args)

  constructor(
    readonly store: UpstreamStore,
    private readonly credentials: CredentialStore,
    private readonly keyring: Keyring,
    /** Restart and circuit-breaker timing (tests shorten it; applies to servers started afterwards). */
    public policy: BreakerPolicy = DEFAULT_BREAKER,
    private readonly remoteDeps: Partial<Omit<RemoteDeps, 'store' | 'resolve' | 'grants'>> = {},
  ) {
    const remote = remoteDeps
    this.remote = new RemoteUpstreams({
      ...remote,
      store,
      resolve: (config, raw) => this.resolveValues(config, raw),
      grants: (id) => store.grantStorage(id, () => remote.secretsChanged?.()),
    })
  }

  /** #18: a remote MCP server by URL (headers sealed; OAuth signs in on demand). */
  addRemote(input: RemoteUpstreamInput): UpstreamSummary {
    // A name like a built-in source's is namespaced (identityPrefix), as for stdio servers.
    const config = this.remote.add(input, (value) => this.checkReferences(value))
    if (this.running && config.enabled) void this.connectionFor(config).start()
    this.changed()
    return this.summary(config)
  }

  /** #18: after a sign-in (here or in another process), reconnect the servers that waited for it. */
  async signedIn(name: string): Promise<void> {
    const config = this.store.require(name)
    const conn = this.connections.get(config.id)
    if (this.running && config.enabled) await this.connectionFor(config).restart()
    else if (conn) this.changed()
    this.changed()
  }

  private checkReferences(value: string): void {
    for (const r of referencesIn(value)) {
      const c = this.credentials.findByRef(r.ref)
      if (!c.secretFields.includes(r.field) && !(r.field in c.fields)) {
        throw new AppError('NOT_FOUND', `${c.service}/${c.name} has no field "${r.field}".`)
      }
    }
  }

  /** #18: a sign-in done by another process (the CLI) lands in the vault; pick it up while running. */
  private watchSignIns(): void {
    if (this.signInWatch) return
    this.signInWatch = setInterval(() => {
      if (!this.keyring.unlocked) return
      for (const config of this.store.list()) {
        const conn = this.connections.get(config.id)
        if (conn?.state !== 'needs_sign_in') continue
        if (this.store.grantStorage(config.id).summary().status === 'signed_in') {
          this.remote.signedIn(config.name)
          this.remoteDeps.secretsChanged?.()
          void conn.restart()
        }
      }
    }, 2_000)
    this.signInWatch.unref()
  }

  add(raw: z.input<typeof UpstreamInput>): UpstreamSummary {
    const input = UpstreamInput.parse(raw)
    // Check every reference now, so a typo fails at add time rather than at the first start.
    for (const value of Object.values(input.env)) this.checkReferences(value)
    const config = this.store.add(input)
    if (this.running && config.enabled) void this.connectionFor(config).start()
    this.changed()
    return this.summary(config)
  }

  async remove(name: string): Promise<void> {
    const config = this.store.remove(name)
    const conn = this.connections.get(config.id)
    this.connections.delete(config.id)
    await conn?.stop()
    await this.stopPerSession((k) => k.startsWith(`${config.id}\n`))
    this.changed()
  }

  /** The stored definitions. */
  configs(): UpstreamConfig[] {
    return this.store.list()
  }

  list(): UpstreamSummary[] {
    return this.store.list().map((c) => this.summary(c))
  }

  status(name: string): UpstreamSummary {
    return this.summary(this.store.require(name))
  }

  /** `keybridge upstream enable|disable`: a disabled server is stopped and not started with the bridge. */
  async setEnabled(name: string, enabled: boolean): Promise<UpstreamSummary> {
    const config = this.store.setEnabled(name, enabled)
    const conn = this.connections.get(config.id)
    if (!enabled) {
      this.connections.delete(config.id)
      await conn?.stop()
    } else if (this.running && this.keyring.unlocked) {
      await this.connectionFor(config).start()
    }
    this.changed()
    return this.summary(config)
  }

  /**
   * Accepts (or no longer accepts) a server's annotations as its tools' defaults: with trust, a tool
   * claiming readOnlyHint runs without asking, as Keybridge's own read tools do; without, every tool of
   * the server asks until the user sets it. Tools the user set explicitly keep their setting.
   */
  setTrustHints(name: string, trusted: boolean): UpstreamSummary {
    const config = this.store.require(name)
    this.store.setTrustHints(config.id, trusted)
    this.changed()
    return this.summary({ ...config, trustHints: trusted })
  }

  async restart(name: string): Promise<UpstreamSummary> {
    const config = this.store.require(name)
    this.keyring.require()
    await this.connectionFor(config).restart()
    return this.summary(config)
  }

  /** Starts every enabled server (bridge started, or vault unlocked while it runs). */
  async startAll(): Promise<void> {
    this.running = true
    this.watchSignIns()
    if (!this.keyring.unlocked) return
    await Promise.all(
      this.store
        .list()
        .filter((c) => c.enabled)
        .map((c) => this.connectionFor(c).start()),
    )
  }

  async stopAll(opts: { keepRunning?: boolean } = {}): Promise<void> {
    if (!opts.keepRunning) this.running = false
    if (!opts.keepRunning && this.signInWatch) {
      clearInterval(this.signInWatch)
      this.signInWatch = null
      this.remote.cancelAll()
    }
    await Promise.all([...this.connections.values()].map((c) => c.stop()))
    await this.stopPerSession(() => true)
  }

  /** Brings the children in line with the stored rows (another process added or removed a server). */
  async reconcile(): Promise<void> {
    if (!this.running || !this.keyring.unlocked) return
    const configs = this.store.list()
    const ids = new Set(configs.map((c) => c.id))
    const stale = [...this.connections].filter(([id]) => !ids.has(id))
    for (const [id] of stale) this.connections.delete(id)
    await Promise.all([
      ...stale.map(([, c]) => c.stop()),
      ...configs
        .filter((c) => c.enabled && !this.connections.has(c.id))
        .map((c) => this.connectionFor(c).start()),
    ])
    if (stale.length) this.changed()
  }

  /** A client session ended: its own upstream processes stop. */
  async sessionClosed(sessionId: string): Promise<void> {
    await this.stopPerSession((k) => k.endsWith(`\n${sessionId}`))
  }

  private async stopPerSession(match: (key: string) => boolean): Promise<void> {
    const stopping: Promise<void>[] = []
    for (const [k, c] of this.perSession)
      if (match(k)) {
        this.perSession.delete(k)
        stopping.push(c.stop())
      }
    await Promise.all(stopping)
  }

  /** Every running upstream (shared connections), in name order. */
  live(): LiveUpstream[] {
    const out: LiveUpstream[] = []
    for (const config of this.store.list()) {
      const conn = this.connections.get(config.id)
      if (conn?.state === 'running') out.push({ config, conn })
    }
    return out
  }

  /**
   * The connection a session's request to an upstream goes to: the shared one, or for a server marked
   * "one process per client" the session's own (started on first use).
   */
  async connectionOf(config: UpstreamConfig, sessionId: string | undefined): Promise<UpstreamConnection> {
    const shared = this.connections.get(config.id)
    if (!config.perSession || sessionId === undefined) {
      if (!shared) throw new AppError('UNREACHABLE', `The upstream server "${config.name}" is not running.`)
      return shared
    }
    const key = `${config.id}\n${sessionId}`
    let conn = this.perSession.get(key)
    if (!conn) {
      this.keyring.require()
      conn = new UpstreamConnection(config.id, config.name, this.endpointFor(config), {
        ...this.connectionDeps(config, sessionId),
        toolsChanged: () => {},
        stateChanged: () => {},
        owner: () => this.hooks.sessionRoute?.(sessionId),
      })
      this.perSession.set(key, conn)
    }
    if (conn.state !== 'running') {
      await conn.start()
      if ((conn.state as string) !== 'running') {
        throw new AppError(
          'UNREACHABLE',
          `The upstream server "${config.name}" did not start for this client (${conn.lastError ?? conn.state}).`,
        )
      }
    }
    return conn
  }

  /** The running connection a session already uses for a server, without starting one. */
  peek(config: UpstreamConfig, sessionId: string | undefined): UpstreamConnection | undefined {
    const conn =
      config.perSession && sessionId !== undefined
        ? this.perSession.get(`${config.id}\n${sessionId}`)
        : this.connections.get(config.id)
    return conn?.state === 'running' ? conn : undefined
  }

  /** The identity prefix of a server's tools (`every`; `upstream/<name>` for an old row named like a built-in source). */
  identityPrefix(config: UpstreamConfig): string {
    return reservedUpstreamName(config.name) ? `upstream/${config.name}` : config.name
  }

  get isRunning(): boolean {
    return this.running
  }

  /** Known tools of every server, live or last seen (for the permissions matrix). */
  knownTools(): { tool: BridgeTool; available: boolean }[] {
    return this.store.list().flatMap((config) => {
      const conn = this.connections.get(config.id)
      const live = conn?.state === 'running'
      return (live && conn.tools.length ? conn.tools : config.toolsCache)
        .filter((t) => this.relayable(t))
        .map((t) => ({
          tool: this.wrap(config, t),
          available: live,
        }))
    })
  }

  async listTools(): Promise<BridgeTool[]> {
    const out: BridgeTool[] = []
    for (const config of this.store.list()) {
      const conn = this.connections.get(config.id)
      // #18: a remote server waiting for sign-in keeps its tools listed; calling one says what to do.
      const tools =
        conn?.state === 'running'
          ? conn.tools
          : conn?.state === 'needs_sign_in'
            ? conn.tools.length
              ? conn.tools
              : config.toolsCache
            : []
      for (const t of tools) if (this.relayable(t)) out.push(this.wrap(config, t))
    }
    return out
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Every literal env value that may be a secret, for redaction (needs the vault unlocked). */
  secretValues(): string[] {
    if (!this.keyring.unlocked) return []
    const out: string[] = []
    for (const c of this.store.list()) {
      try {
        for (const v of Object.values(this.store.openEnv(c.id))) if (referencesIn(v).length === 0) out.push(v)
        if (c.kind === 'remote') out.push(...this.remote.secretValues(c))
      } catch {
        // A row that no longer opens has nothing to redact.
      }
    }
    return out
  }

  private wrap(config: UpstreamConfig, t: CachedTool): BridgeTool {
    const prefix = this.identityPrefix(config)
    return {
      id: `${prefix}/${t.name}`,
      nameParts: [config.name, t.name],
      name: exposedName([config.name, t.name], `${prefix}/${t.name}`),
      originalName: t.name,
      // The upstream's own name stays visible: as the title when it has none, and in _meta.
      title: t.title ?? (t.annotations['title'] as string | undefined) ?? t.name,
      description: t.description,
      inputSchema: { ...relaySchema(t.inputSchema), type: 'object' },
      ...(t.outputSchema
        ? { outputSchema: { ...relaySchema(t.outputSchema), type: 'object' } as Tool['outputSchema'] }
        : {}),
      ...(t.icons ? { icons: t.icons as Tool['icons'] } : {}),
      ...(t.execution ? { execution: t.execution as Tool['execution'] } : {}),
      _meta: { ...(t._meta ?? {}), 'keybridge/upstream': config.name, 'keybridge/originalName': t.name },
      annotations: t.annotations as ToolAnnotations,
      source: `upstream:${config.name}`,
      // A change of trust re-lists the tools (changed()), so this is never stale.
      hintsTrusted: config.trustHints,
      call: async (args, ctx) => {
        const conn = await this.connectionOf(config, ctx.route?.sessionId)
        return conn.callTool(t.name, args, ctx.signal, ctx.route)
      },
    }
  }

  /** Tools that must run as tasks cannot be relayed (Keybridge does not offer tasks): they are not listed. */
  private relayable(t: CachedTool): boolean {
    return (t.execution as { taskSupport?: string } | undefined)?.taskSupport !== 'required'
  }

  private connectionDeps(config: UpstreamConfig, sessionId?: string) {
    return {
      policy: this.policy,
      maxCallSeconds: config.maxCallSeconds,
      resolveEnv: () => this.resolveEnv(config),
      notified: (method: string, params: Record<string, unknown> | undefined) =>
        this.hooks.notified?.(config, method, params, sessionId),
      answer: this.hooks.answer?.(config),
    }
  }

  private connectionFor(config: UpstreamConfig): UpstreamConnection {
    let conn = this.connections.get(config.id)
    if (!conn) {
      conn = new UpstreamConnection(config.id, config.name, this.endpointFor(config), {
        ...this.connectionDeps(config),
        toolsChanged: (tools) => {
          this.store.saveToolsCache(config.id, tools)
          this.changed()
        },
        stateChanged: () => this.changed(),
      })
      this.connections.set(config.id, conn)
    }
    return conn
  }

  private resolveEnv(config: UpstreamConfig): Record<string, string> {
    // What is spawned must be what Keybridge stored: the row verified, and the same as this connection's.
    const stored = this.store.verified(config.id)
    if (stored.command !== config.command || JSON.stringify(stored.args) !== JSON.stringify(config.args)) {
      throw new AppError('CONFLICT', `The upstream server "${config.name}" changed: restart it.`)
    }
    return this.resolveValues(config, this.store.openEnv(config.id))
  }

  private resolveValues(config: UpstreamConfig, raw: Record<string, string>): Record<string, string> {
    const opened = new Map<string, Record<string, string>>()
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(raw)) {
      out[key] = this.naming(key, () =>
        resolveTemplate(value, (r) => {
          const c = this.credentials.findByRef(r.ref)
          let secrets = opened.get(c.id)
          if (!secrets) {
            secrets = this.credentials.readSecrets(c.id, {
              actor: 'bridge',
              actorName: `upstream:${config.name}`,
              action: 'used',
            })
            opened.set(c.id, secrets)
          }
          const v = secrets[r.field] ?? c.fields[r.field]
          if (v === undefined)
            throw new AppError('NOT_FOUND', `${c.service}/${c.name} has no field "${r.field}".`)
          return v
        }),
      )
    }
    return out
  }

  /** An environment value that cannot be resolved names its variable (the UI says which). */
  private naming<T>(env: string, resolve: () => T): T {
    try {
      return resolve()
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, e.message, { ...e.params, env }, e.key)
      throw e
    }
  }

  private summary(c: UpstreamConfig): UpstreamSummary {
    const conn = this.connections.get(c.id)
    return {
      id: c.id,
      name: c.name,
      command: c.command,
      args: c.args,
      env: c.envKeys,
      enabled: c.enabled,
      perSession: c.perSession,
      maxCallSeconds: c.maxCallSeconds,
      trustHints: c.trustHints,
      state: conn?.state ?? 'stopped',
      pid: conn?.pid ?? null,
      restarts: conn?.restarts ?? 0,
      toolCount: conn?.state === 'running' ? conn.tools.length : c.toolsCache.length,
      lastError: conn?.lastError ?? null,
      lastErrorCode: conn?.lastFailure?.code ?? null,
      lastErrorParams: conn?.lastFailure?.params ?? null,
      stderrTail: conn?.stderrLines ?? [],
      notes: [
        ...(reservedUpstreamName(c.name)
          ? [
              `"${c.name}" is also a built-in source: its tools' identities are namespaced as upstream/${c.name}/….`,
            ]
          : []),
        ...(this.hooks.notes?.(c.name) ?? []),
      ],
      createdAt: c.createdAt,
      remote: c.kind === 'remote' ? this.remote.info(c) : null,
    }
  }

  private changed(): void {
    for (const l of this.listeners) l()
  }
}

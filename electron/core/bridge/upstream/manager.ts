import type { z } from 'zod'
import { AppError } from '../../../../shared/errors'
import type { UpstreamInput, UpstreamSummary } from '../../../../shared/ipc/bridge'
import type { CredentialStore } from '../../credentials/store'
import type { Keyring } from '../../vault/keyring'
import type { BridgeTool, ToolAnnotations, ToolSource } from '../tool-source'
import { UpstreamConnection, DEFAULT_BREAKER, type BreakerPolicy } from './connection'
import { referencesIn, resolveTemplate } from './env-template'
import type { CachedTool, UpstreamConfig, UpstreamStore } from './store'

export const UPSTREAM_SOURCE_ID = 'upstream'

/**
 * All upstream servers: their definitions (store), their running children (connections) and their
 * tools as one ToolSource, re-exported as `<server>.<tool>`. Children run only while the bridge runs
 * and the vault is unlocked.
 */
export class UpstreamManager implements ToolSource {
  readonly id = UPSTREAM_SOURCE_ID
  private connections = new Map<string, UpstreamConnection>()
  private listeners = new Set<() => void>()
  private running = false

  constructor(
    private readonly store: UpstreamStore,
    private readonly credentials: CredentialStore,
    private readonly keyring: Keyring,
    /** Restart and circuit-breaker timing (tests shorten it; applies to servers started afterwards). */
    public policy: BreakerPolicy = DEFAULT_BREAKER,
  ) {}

  add(input: z.output<typeof UpstreamInput>): UpstreamSummary {
    // Check every reference now, so a typo fails at add time rather than at the first start.
    for (const value of Object.values(input.env)) {
      for (const r of referencesIn(value)) {
        const c = this.credentials.findByRef(r.ref)
        if (!c.secretFields.includes(r.field) && !(r.field in c.fields)) {
          throw new AppError('NOT_FOUND', `${c.service}/${c.name} has no field "${r.field}".`)
        }
      }
    }
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
    this.changed()
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

  async restart(name: string): Promise<UpstreamSummary> {
    const config = this.store.require(name)
    this.keyring.require()
    await this.connectionFor(config).restart()
    return this.summary(config)
  }

  /** Starts every enabled server (bridge started, or vault unlocked while it runs). */
  async startAll(): Promise<void> {
    this.running = true
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
    await Promise.all([...this.connections.values()].map((c) => c.stop()))
  }

  get isRunning(): boolean {
    return this.running
  }

  /** Known tools of every server, live or last seen (for the permissions matrix). */
  knownTools(): { tool: BridgeTool; available: boolean }[] {
    return this.store.list().flatMap((config) => {
      const conn = this.connections.get(config.id)
      const live = conn?.state === 'running'
      return (live ? conn.tools : config.toolsCache).map((t) => ({
        tool: this.wrap(config, t),
        available: live,
      }))
    })
  }

  async listTools(): Promise<BridgeTool[]> {
    const out: BridgeTool[] = []
    for (const config of this.store.list()) {
      const conn = this.connections.get(config.id)
      if (conn?.state === 'running') for (const t of conn.tools) out.push(this.wrap(config, t))
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
      } catch {
        // A row that no longer opens has nothing to redact.
      }
    }
    return out
  }

  private wrap(config: UpstreamConfig, t: CachedTool): BridgeTool {
    return {
      name: `${config.name}.${t.name}`,
      ...(t.title ? { title: t.title } : {}),
      description: t.description,
      inputSchema: { ...t.inputSchema, type: 'object' },
      annotations: t.annotations as ToolAnnotations,
      source: `upstream:${config.name}`,
      call: (args, ctx) => {
        const conn = this.connections.get(config.id)
        if (!conn) throw new AppError('UNREACHABLE', `The upstream server "${config.name}" is not running.`)
        return conn.callTool(t.name, args, ctx.signal)
      },
    }
  }

  private connectionFor(config: UpstreamConfig): UpstreamConnection {
    let conn = this.connections.get(config.id)
    if (!conn) {
      conn = new UpstreamConnection(config.id, config.name, config.command, config.args, {
        policy: this.policy,
        resolveEnv: () => this.resolveEnv(config),
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
    const raw = this.store.openEnv(config.id)
    const opened = new Map<string, Record<string, string>>()
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(raw)) {
      out[key] = resolveTemplate(value, (r) => {
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
      })
    }
    return out
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
      state: conn?.state ?? 'stopped',
      pid: conn?.pid ?? null,
      restarts: conn?.restarts ?? 0,
      toolCount: conn?.state === 'running' ? conn.tools.length : c.toolsCache.length,
      lastError: conn?.lastError ?? null,
      createdAt: c.createdAt,
    }
  }

  private changed(): void {
    for (const l of this.listeners) l()
  }
}

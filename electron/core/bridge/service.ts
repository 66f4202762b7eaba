import { AppError } from '../../../shared/errors'
import { SecretValueIndex } from '../credentials/secret-values'
import type {
  ApprovalDecision,
  BridgeConfig,
  BridgeStatus,
  ClientKind,
  PermissionLevel,
  ToolInfo,
} from '../../../shared/ipc/bridge'
import type { CoreContext } from '../context'
import { createHomeAssistantToolSource } from '../homeassistant/tools'
import { HaInstanceStore } from '../homeassistant/store'
import { createApiToolSource } from './api-tools'
import { ApprovalQueue } from './approvals'
import { AuditWriter } from './audit-writer'
import type { ApprovalMode, PipelineDeps } from './call-pipeline'
import { clientConfigSnippet } from './client-config'
import { readConfig, writeConfig } from './config'
import { BridgeHttpServer } from './http-server'
import { createSessionServer } from './mcp-session'
import { PermissionStore, requiredLevel, defaultPermission } from './permissions'
import { RateLimiter } from './rate-limit'
import { Redactor } from './redact'
import { ToolRegistry } from './registry'
import type { BridgeTool, ToolSource } from './tool-source'
import { TokenStore } from './tokens'
import { DEFAULT_BREAKER, type BreakerPolicy } from './upstream/connection'
import { UpstreamManager } from './upstream/manager'
import { UpstreamStore } from './upstream/store'

export interface StartOptions {
  host?: string
  port?: number
  /** Desktop: ask; headless: deny, or approve_all with --approve-all. */
  approvalMode?: ApprovalMode
}

export interface BridgeServiceOptions {
  breaker?: BreakerPolicy
  /** Extra tool sources (tests, benchmarks). */
  sources?: ToolSource[]
}

/** The bridge as a whole: its stores, its tool sources, its HTTP server while running. */
export class BridgeService {
  readonly tokens: TokenStore
  readonly permissions: PermissionStore
  readonly registry = new ToolRegistry()
  readonly approvals: ApprovalQueue
  readonly redactor: Redactor
  readonly upstreams: UpstreamManager
  private readonly limiter: RateLimiter
  private readonly auditWriter: AuditWriter
  private readonly ha: HaInstanceStore
  private readonly credentialSecrets: SecretValueIndex
  private http: BridgeHttpServer | null = null
  private startedAt: number | null = null
  private mode: ApprovalMode = 'ask'
  private unsubscribe: (() => void)[] = []
  readonly deps: PipelineDeps

  constructor(
    private readonly ctx: CoreContext,
    opts: BridgeServiceOptions = {},
  ) {
    this.tokens = new TokenStore(ctx.db, ctx.clock, ctx.macs, () => ctx.integrity.rolledBack)
    this.permissions = new PermissionStore(ctx.db, ctx.clock, ctx.macs)
    this.limiter = new RateLimiter(this.config().rateLimitPerMinute, () => ctx.clock.now())
    this.auditWriter = new AuditWriter(
      ctx.db,
      ctx.audit,
      () => this.tokens.flushUse(),
      undefined,
      (count) => ctx.events.emit('bridge.callsRecorded', { count }),
    )
    this.ha = new HaInstanceStore(ctx)
    this.upstreams = new UpstreamManager(
      new UpstreamStore(ctx.db, ctx.keyring, ctx.clock, ctx.macs),
      ctx.credentials,
      ctx.keyring,
      opts.breaker ?? DEFAULT_BREAKER,
    )
    this.credentialSecrets = new SecretValueIndex(ctx.credentials, ctx.keyring)
    this.redactor = new Redactor(() => this.secretValues())
    this.approvals = new ApprovalQueue(ctx.clock, () => this.config().approvalTimeoutSeconds * 1000, {
      requested: (r) => {
        ctx.events.emit('bridge.approvalRequested', r)
        this.statusChanged()
      },
      resolved: (id, decision) => {
        ctx.events.emit('bridge.approvalResolved', { id, decision })
        this.statusChanged()
      },
    })
    this.deps = {
      registry: this.registry,
      permissions: this.permissions,
      approvals: this.approvals,
      redactor: this.redactor,
      audit: this.auditWriter,
      now: () => ctx.clock.now(),
      approvalMode: () => this.mode,
      approvalTimeoutSeconds: () => this.config().approvalTimeoutSeconds,
      activity: (e) => ctx.events.emit('bridge.activity', e),
      notifyApproval: (client, tool) =>
        ctx.options.notify?.({
          title: 'Keybridge: approval needed',
          body: `${client} wants to use ${tool}.`,
          kind: 'approval',
        }),
    }
    this.registry.add(createApiToolSource(ctx, this.redactor))
    this.registry.add(createHomeAssistantToolSource(ctx, this.ha))
    this.registry.add(this.upstreams)
    for (const s of opts.sources ?? []) this.registry.add(s)
    this.registry.onChange(() => {
      this.http?.notifyToolsChanged()
      ctx.events.emit('bridge.toolsChanged', { at: ctx.clock.now() })
    })
  }

  config(): BridgeConfig {
    return readConfig(this.ctx.settings)
  }

  setConfig(patch: Partial<BridgeConfig>): BridgeConfig {
    const next = writeConfig(this.ctx.settings, patch)
    this.limiter.setLimit(next.rateLimitPerMinute)
    return next
  }

  get running(): boolean {
    return this.http !== null
  }

  get url(): string | null {
    return this.http?.url ?? null
  }

  async start(opts: StartOptions = {}): Promise<BridgeStatus> {
    if (this.http) return this.status()
    const config = this.config()
    this.mode = opts.approvalMode ?? 'ask'
    this.limiter.setLimit(config.rateLimitPerMinute)
    const http = new BridgeHttpServer({
      version: this.ctx.version,
      verify: (t) => this.tokens.verify(t),
      rateLimiter: this.limiter,
      newServer: () => createSessionServer(this.deps, { name: 'keybridge', version: this.ctx.version }),
    })
    await http.listen(opts.host ?? config.host, opts.port ?? config.port)
    this.http = http
    this.startedAt = this.ctx.clock.now()
    this.redactor.refresh()
    this.unsubscribe.push(
      this.ctx.events.subscribe((name) => {
        if (name === 'credentials.changed' || name === 'homeassistant.changed') this.redactor.refresh()
      }),
      this.ctx.keyring.onChange((unlocked) => {
        if (!unlocked) this.credentialSecrets.clear()
        this.redactor.refresh()
        // Locked means no secret in use: upstream children hold secrets in their environment.
        if (unlocked) void this.upstreams.startAll()
        else void this.upstreams.stopAll({ keepRunning: true })
      }),
    )
    await this.upstreams.startAll()
    this.statusChanged()
    return this.status()
  }

  async stop(): Promise<BridgeStatus> {
    const http = this.http
    this.http = null
    this.startedAt = null
    for (const u of this.unsubscribe.splice(0)) u()
    this.approvals.denyAll()
    await http?.close()
    await this.upstreams.stopAll()
    this.auditWriter.flush()
    this.tokens.flushUse()
    // No call is left to redact: drop the decrypted values (start rebuilds them on first use).
    this.credentialSecrets.clear()
    this.redactor.refresh()
    this.statusChanged()
    return this.status()
  }

  status(): BridgeStatus {
    const config = this.config()
    return {
      running: this.http !== null,
      url: this.http?.url ?? null,
      host: this.http?.host ?? config.host,
      port: this.http?.port ?? config.port,
      startedAt: this.startedAt,
      sessions: this.http?.sessionCount ?? 0,
      tools: 0,
      pendingApprovals: this.approvals.size,
      approvalMode: this.mode,
    }
  }

  async statusWithTools(): Promise<BridgeStatus> {
    return { ...this.status(), tools: (await this.registry.tools()).size }
  }

  /** The permissions matrix: live tools plus upstream tools last seen while their server ran. */
  async toolInfos(): Promise<ToolInfo[]> {
    const live = await this.registry.tools()
    const entries: { tool: BridgeTool; available: boolean }[] = [...live.values()].map((tool) => ({
      tool,
      available: true,
    }))
    for (const k of this.upstreams.knownTools()) if (!live.has(k.tool.name)) entries.push(k)
    const stored = this.permissions.all()
    return entries
      .map(({ tool, available }) => {
        const required = requiredLevel(tool.annotations)
        const p = stored.get(tool.name) ?? defaultPermission(required)
        return {
          name: tool.name,
          title: tool.title ?? tool.annotations.title ?? null,
          description: tool.description,
          source: tool.source,
          requiredLevel: required,
          level: p.level,
          ask: p.ask,
          isDefault: p.isDefault,
          available,
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  async setTool(tool: string, level: PermissionLevel, ask?: boolean): Promise<ToolInfo> {
    const info = (await this.toolInfos()).find((t) => t.name === tool)
    if (!info)
      throw new AppError('NOT_FOUND', `No tool named "${tool}". List them with "keybridge tool list".`)
    this.permissions.set(tool, level, ask ?? info.ask)
    this.permissionsChanged()
    return (await this.toolInfos()).find((t) => t.name === tool)!
  }

  async setBulk(source: string, level: PermissionLevel, ask?: boolean): Promise<ToolInfo[]> {
    const infos = (await this.toolInfos()).filter(
      (t) => t.source === source || t.source.startsWith(`${source}:`),
    )
    if (infos.length === 0) throw new AppError('NOT_FOUND', `No tools come from "${source}".`)
    this.permissions.setMany(infos.map((t) => ({ tool: t.name, level, ask: ask ?? t.ask })))
    this.permissionsChanged()
    const names = new Set(infos.map((t) => t.name))
    return (await this.toolInfos()).filter((t) => names.has(t.name))
  }

  revokeToken(name: string) {
    const summary = this.tokens.revoke(name)
    this.http?.dropToken(summary.id)
    return summary
  }

  decide(id: string, decision: ApprovalDecision): void {
    this.approvals.decide(id, decision)
  }

  /**
   * A config snippet needs a token value, and only hashes are stored: with the token shown at
   * creation it is checked and used; without it, a new token is created — under `tokenName`, or
   * under a distinct name ("LM Studio 2") when that one exists. No token is ever revoked here:
   * an app still using the older value keeps working until the user revokes it.
   */
  clientConfig(client: ClientKind, tokenName: string, token?: string) {
    const url = this.http?.url ?? `http://${this.config().host}:${this.config().port}/mcp`
    let value: string
    let minted: boolean
    let summary
    if (token) {
      const check = this.tokens.verify(token)
      if (!check.ok || check.identity.name.toLowerCase() !== tokenName.toLowerCase()) {
        throw new AppError('INVALID_INPUT', `That is not the current token of "${tokenName}".`)
      }
      value = token
      minted = false
      summary = this.tokens.byName(tokenName)
    } else {
      const taken = new Set(this.tokens.list().map((t) => t.name.toLowerCase()))
      let name = tokenName
      for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${tokenName} ${n}`
      const created = this.tokens.create({ name, scopes: [] })
      value = created.token
      summary = created.summary
      minted = true
    }
    return { client, minted, summary, ...clientConfigSnippet(client, url, value) }
  }

  private permissionsChanged(): void {
    this.http?.notifyToolsChanged()
    this.ctx.events.emit('bridge.toolsChanged', { at: this.ctx.clock.now() })
  }

  private statusChanged(): void {
    this.ctx.events.emit('bridge.statusChanged', this.status())
  }

  private *secretValues(): Iterable<string> {
    if (!this.ctx.keyring.unlocked) return
    // Only rows changed since the last rebuild are decrypted.
    yield* this.credentialSecrets.values()
    for (const inst of this.ha.list()) {
      try {
        yield this.ha.readToken(inst.id)
      } catch {
        // Idem.
      }
    }
    yield* this.upstreams.secretValues()
  }
}

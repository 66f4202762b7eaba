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
import type { AuditActor } from '../../../shared/models/audit'
import type { CoreContext } from '../context'
import { createHomeAssistantToolSource } from '../homeassistant/tools'
import { HaInstanceStore } from '../homeassistant/store'
import { createApiToolSource } from './api-tools'
import { ApprovalQueue } from './approvals'
import { AuditWriter } from './audit-writer'
import type { ApprovalMode, PipelineDeps } from './call-pipeline'
import { clientConfigSnippet } from './client-config'
import { readConfig, writeConfig } from './config'
import { BridgeHttpServer, type Refusal } from './http-server'
import { BridgeMetrics, noMetrics } from './metrics'
import { QuotaCounter, quotaMessage } from './quota'
import { logUpstreamStates } from './upstream-log'
import { tokenUsage } from './usage'
import { createSessionServer } from './mcp-session'
import { PermissionStore, requiredLevel, defaultPermission } from './permissions'
import { RateLimiter } from './rate-limit'
import { Redactor } from './redact'
import { ToolRegistry } from './registry'
import type { BridgeTool, ToolSource } from './tool-source'
import { TokenStore, type TokenIdentity } from './tokens'
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
  readonly metrics: BridgeMetrics | ReturnType<typeof noMetrics>
  private readonly quota: QuotaCounter
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
    this.quota = new QuotaCounter(ctx.db, ctx.clock)
    this.auditWriter = new AuditWriter(
      ctx.db,
      ctx.audit,
      () => this.tokens.flushUse(),
      undefined,
      (count) => ctx.events.emit('bridge.callsRecorded', { count }),
      (e, rows) => ctx.log.error({ err: e, rows, code: 'IO_ERROR' }, 'bridge audit write failed'),
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
    // Every log line is scrubbed of every stored secret value the bridge knows (it knows them all), so
    // the redactor follows the vault whether or not the bridge runs.
    ctx.logs.useScrubber((line) => this.redactor.text(line))
    ctx.events.subscribe((name) => {
      if (name === 'credentials.changed' || name === 'homeassistant.changed') this.redactor.refresh()
    })
    ctx.keyring.onChange(() => this.redactor.refresh())
    this.metrics =
      ctx.options.metrics === false
        ? noMetrics()
        : new BridgeMetrics({
            sessions: () => this.http?.sessionCount ?? 0,
            upstreams: () => this.upstreams.list(),
            pendingApprovals: () => this.approvals.size,
          })
    this.approvals = new ApprovalQueue(ctx.clock, () => this.config().approvalTimeoutSeconds * 1000, {
      requested: (r) => {
        ctx.events.emit('bridge.approvalRequested', r)
        this.statusChanged()
      },
      resolved: (id, decision) => {
        this.metrics.approval(decision)
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
      metrics: this.metrics,
      log: ctx.log,
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
      admit: (identity, message) => this.admit(identity, message),
      metrics: this.metrics.registry ? () => (this.metrics as BridgeMetrics).scrape() : undefined,
      refused: (reason, token) => {
        if (reason === 'rate_limited') this.metrics.rateLimit(token ?? '')
        else this.metrics.authFailure(reason)
      },
    })
    await http.listen(opts.host ?? config.host, opts.port ?? config.port)
    this.http = http
    this.startedAt = this.ctx.clock.now()
    this.redactor.refresh()
    this.ctx.log.info({ url: http.url, approvalMode: this.mode }, 'bridge started')
    this.unsubscribe.push(
      logUpstreamStates(
        () => this.upstreams.list(),
        (l) => this.upstreams.onChange(l),
        this.ctx.log,
      ),
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
    if (http) this.ctx.log.info('bridge stopped')
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

  updateToken(
    name: string,
    patch: { scopes?: string[]; dailyQuota?: number | null; monthlyQuota?: number | null },
    actor: AuditActor = 'ui',
  ) {
    const summary = this.tokens.update(name, patch)
    this.quota.reset()
    this.ctx.audit.record({
      actor,
      action: 'token_updated',
      target: summary.name,
      detail: {
        scopes: summary.scopes.length,
        dailyQuota: summary.dailyQuota,
        monthlyQuota: summary.monthlyQuota,
      },
    })
    return summary
  }

  tokenUsage(name: string, days: number) {
    this.auditWriter.flush()
    return tokenUsage(this.ctx.db, this.tokens.byName(name), this.ctx.clock.now(), days)
  }

  /**
   * Admission of one POST's JSON-RPC messages: its tools/call requests are counted against the token's
   * quotas. Past a quota the whole request is answered 429 (Retry-After = until the reset) with one
   * JSON-RPC error per call saying which quota and when it resets, and each refused call is audited.
   */
  private admit(identity: TokenIdentity, message: unknown): Refusal | null {
    if (identity.dailyQuota === null && identity.monthlyQuota === null) return null
    const messages = Array.isArray(message) ? message : [message]
    const calls = messages.filter(
      (m): m is { id?: unknown; params?: { name?: unknown } } =>
        typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'tools/call',
    )
    const refused = this.quota.admit(identity, calls.length)
    if (!refused) return null
    const text = quotaMessage(identity.name, refused)
    const data = {
      quota: refused.quota,
      limit: refused.limit,
      used: refused.used,
      resetsAt: new Date(refused.resetsAt).toISOString(),
    }
    for (const c of calls) {
      const tool = typeof c.params?.name === 'string' ? c.params.name.slice(0, 128) : null
      this.auditWriter.push({
        actor: 'bridge',
        actorName: identity.name,
        action: 'quota_refused',
        target: tool,
        outcome: 'denied',
        durationMs: 0,
        detail: { reason: text, ...data },
      })
      this.ctx.events.emit('bridge.activity', {
        at: this.ctx.clock.now(),
        client: identity.name,
        tool: tool ?? '',
        outcome: 'denied',
        durationMs: 0,
        reason: text,
      })
    }
    this.metrics.quota(identity.name, refused.quota, calls.length)
    this.ctx.log.warn({ client: identity.name, calls: calls.length, ...data }, 'quota reached: calls refused')
    const errors = calls.map((c) => ({
      jsonrpc: '2.0',
      id: (c.id as string | number | undefined) ?? null,
      error: { code: -32000, message: text, data },
    }))
    const retryAfter = Math.max(1, Math.ceil((refused.resetsAt - this.ctx.clock.now()) / 1000))
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfter) },
      body: Array.isArray(message) ? errors : errors[0],
    }
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

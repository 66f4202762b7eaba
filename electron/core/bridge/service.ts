import { AppError } from '../../../shared/errors'
import { capAuditSize } from '../vault/audit-retention'
import { SecretValueIndex } from '../credentials/secret-values'
import type {
  ApprovalDecision,
  BridgeConfig,
  BridgeStatus,
  ClientKind,
  PermissionLevel,
  TokenSummary,
  ToolInfo,
} from '../../../shared/ipc/bridge'
import type { AuditActor } from '../../../shared/models/audit'
import { CONNECTED_WINDOW_MS } from '../../../shared/ipc/bridge'
import type { CoreContext } from '../context'
import { createHomeAssistantToolSource } from '../homeassistant/tools'
import { HaInstanceStore } from '../homeassistant/store'
import { createApiToolSource } from './api-tools'
import { ApprovalGrants, ApprovalNotifier, ApprovalQueue } from './approvals'
import { AuditWriter } from './audit-writer'
import { visibleTo, type ApprovalMode, type PipelineDeps } from './call-pipeline'
import { watchToolPolicy } from './change-watch'
import { clientConfigSnippet } from './client-config'
import { readConfig, writeConfig } from './config'
import { isLoopbackBind } from './http-guard'
import { BridgeHttpServer, type Refusal, type SessionInfo } from './http-server'
import { BridgeMetrics, noMetrics } from './metrics'
import { QuotaCounter, quotaMessage } from './quota'
import { logUpstreamStates } from './upstream-log'
import { dashboardUsage, tokenUsage, tokensUsage } from './usage'
import { createSessionServer } from './mcp-session'
import { exposedName } from './names'
import { FEATURE_LEVEL, UpstreamRelay, type UpstreamFeature } from './relay'
import { legacyToIdentity } from './schema'
import { SessionHub } from './sessions'
import { PermissionStore, requiredLevel, defaultPermission, hintsTrusted } from './permissions'
import { RateLimiter } from './rate-limit'
import { Redactor } from './redact'
import { ToolRegistry } from './registry'
import type { BridgeTool, ToolSource } from './tool-source'
import { TokenStore, type TokenIdentity } from './tokens'
import { DEFAULT_BREAKER, type BreakerPolicy } from './upstream/connection'
import { UpstreamManager } from './upstream/manager'
import { UpstreamStore } from './upstream/store'

/** How many tools an app takes before it warns or refuses (docs/BRIDGE.md, client table). */
const CLIENT_TOOL_LIMIT: Partial<Record<ClientKind, number>> = { cursor: 40, vscode: 128 }
const CLIENT_NAME: Record<ClientKind, string> = {
  cursor: 'Cursor',
  vscode: 'VS Code',
  claude: 'Claude Desktop',
  lmstudio: 'LM Studio',
}

export interface StartOptions {
  /**
   * An address the user gave for this start (serve --host, the desktop's confirmation): bound as given.
   * Without it the saved one is used, except that a saved non-loopback address is held back (the bridge
   * binds 127.0.0.1) until confirmed: a setting or an imported backup must not widen the exposure.
   */
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
  readonly grants: ApprovalGrants
  readonly redactor: Redactor
  readonly upstreams: UpstreamManager
  readonly sessions = new SessionHub()
  readonly relay: UpstreamRelay
  readonly metrics: BridgeMetrics | ReturnType<typeof noMetrics>
  private readonly quota: QuotaCounter
  private readonly limiter: RateLimiter
  private readonly auditWriter: AuditWriter
  private readonly ha: HaInstanceStore
  private readonly credentialSecrets: SecretValueIndex
  private http: BridgeHttpServer | null = null
  private startedAt: number | null = null
  private mode: ApprovalMode = 'ask'
  private heldBack: string | null = null
  private unsubscribe: (() => void)[] = []
  readonly deps: PipelineDeps

  constructor(
    private readonly ctx: CoreContext,
    opts: BridgeServiceOptions = {},
  ) {
    this.tokens = new TokenStore(ctx.db, ctx.clock, ctx.macs, () => ctx.integrity.rolledBack)
    this.permissions = new PermissionStore(ctx.db, ctx.clock, ctx.macs)
    this.grants = new ApprovalGrants(ctx.db, ctx.macs)
    this.limiter = new RateLimiter(this.config().rateLimitPerMinute, () => ctx.clock.now())
    this.quota = new QuotaCounter(ctx.db, ctx.clock)
    this.auditWriter = new AuditWriter(
      ctx.db,
      ctx.audit,
      () => this.tokens.flushUse(),
      undefined,
      (count) => ctx.events.emit('bridge.callsRecorded', { count }),
      () => capAuditSize(ctx, 'bridge'),
      (e, rows) => ctx.log.error({ err: e, rows, code: 'IO_ERROR' }, 'bridge audit write failed'),
    )
    this.ha = new HaInstanceStore(ctx)
    this.upstreams = new UpstreamManager(
      new UpstreamStore(ctx.db, ctx.keyring, ctx.clock, ctx.macs),
      ctx.credentials,
      ctx.keyring,
      opts.breaker ?? DEFAULT_BREAKER,
      // #18: remote upstreams read a Home Assistant token at connect time and notify when sign-in is needed.
      {
        haToken: (name) => this.ha.readToken(this.ha.findByName(name).id),
        clientMetadataUrl: ctx.env['KEYBRIDGE_OAUTH_CLIENT_METADATA_URL'] || undefined,
        secretsChanged: () => this.redactor?.refresh(),
        signInNeeded: (upstream, stepUp) => {
          ctx.events.emit('bridge.upstreamSignInNeeded', { name: upstream, stepUp })
          ctx.options.notify?.({
            title: 'Keybridge: sign-in needed',
            body: stepUp
              ? `${upstream} asks for a wider permission: sign in again.`
              : `${upstream} needs you to sign in again.`,
            kind: 'bridge',
          })
        },
      },
    )
    this.credentialSecrets = new SecretValueIndex(ctx.credentials, ctx.keyring)
    this.redactor = new Redactor(() => this.secretValues())
    const notifier = new ApprovalNotifier(ctx.clock, (n) => ctx.options.notify?.({ ...n, kind: 'approval' }))
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
        notifier.requested(r.client, r.tool)
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
      grants: this.grants,
      metrics: this.metrics,
      log: ctx.log,
      countCall: (id) => this.tokens.countCall(id),
    }
    this.relay = new UpstreamRelay(this.upstreams, this.deps, this.sessions)
    this.upstreams.hooks = {
      notified: (config, method, params, sessionId) => this.relay.notified(config, method, params, sessionId),
      answer: (config) => (kind, route, request, signal) =>
        this.relay.answer(config, kind, route, request, signal),
      notes: (name) => this.relay.notes(name),
      sessionRoute: (sessionId) => {
        const e = this.sessions.bySessionId(sessionId)
        return e ? this.sessions.routeOf(e) : undefined
      },
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
      newServer: (identity) =>
        createSessionServer(
          {
            pipeline: this.deps,
            relay: this.relay,
            hub: this.sessions,
            closed: (sessionId) => {
              if (sessionId) void this.upstreams.sessionClosed(sessionId)
            },
          },
          { name: 'keybridge', version: this.ctx.version },
          identity,
        ),
      admit: (identity, message) => this.admit(identity, message),
      metrics: this.metrics.registry ? () => (this.metrics as BridgeMetrics).scrape() : undefined,
      refused: (reason, token) => {
        if (reason === 'rate_limited') this.metrics.rateLimit(token ?? '')
        else this.metrics.authFailure(reason)
      },
      onSessionStarted: (info) => {
        this.ctx.events.emit('bridge.sessionStarted', info)
        this.statusChanged()
      },
      onSessionClosed: () => this.statusChanged(),
    })
    const saved = config.host
    const holdBack = opts.host === undefined && !isLoopbackBind(saved)
    this.heldBack = holdBack ? saved : null
    await http.listen(opts.host ?? (holdBack ? '127.0.0.1' : saved), opts.port ?? config.port)
    if (holdBack) {
      this.ctx.options.notify?.({
        title: 'Keybridge: bridge kept on this computer',
        body: `The saved bridge address ${saved} would make it reachable from your network. It listens on 127.0.0.1 until you confirm ${saved} in Bridge.`,
        kind: 'bridge',
      })
    }
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
    this.unsubscribe.push(
      watchToolPolicy(this.ctx.db, () => {
        // Another process may have added, removed or disabled an upstream too.
        void this.upstreams.reconcile()
        this.permissionsChanged()
      }),
    )
    await this.upstreams.startAll()
    this.statusChanged()
    return this.status()
  }

  /** The desktop's explicit confirmation of a non-loopback address: restarts the bridge there, for this run. */
  async expose(host: string): Promise<BridgeStatus> {
    const mode = this.mode
    if (this.http) await this.stop()
    const status = await this.start({ host, approvalMode: mode })
    this.ctx.audit.record({
      actor: 'ui',
      action: 'bridge_exposed',
      target: status.address,
      detail: { allowedHosts: status.allowedHosts },
    })
    return status
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
      address: this.http?.address ?? null,
      exposed: this.http?.exposed ?? false,
      allowedHosts: this.http ? [...this.http.allowedHosts] : [],
      exposureHeldBack: this.http ? this.heldBack : null,
    }
  }

  /** Apps seen within the connected window, newest first. */
  connectedSessions(now = Date.now()): SessionInfo[] {
    return (this.http?.sessionInfos() ?? []).filter((s) => now - s.lastSeen <= CONNECTED_WINDOW_MS)
  }

  async statusWithTools(): Promise<BridgeStatus> {
    return { ...this.status(), tools: (await this.registry.tools()).size }
  }

  /**
   * The permissions matrix: live tools, upstream tools last seen while their server ran, and each
   * running upstream's resources, prompts and sampling (permissioned like tools).
   */
  async toolInfos(): Promise<ToolInfo[]> {
    const live = await this.registry.byId()
    const notes = new Map<string, string>()
    for (const c of await this.registry.collisions())
      for (const r of c.resolved)
        notes.set(r.identity, `${c.resolved.length} tools wanted the name ${c.name}; each got a suffix.`)
    const entries: { tool: BridgeTool; available: boolean }[] = [...live.values()].map((tool) => ({
      tool,
      available: true,
    }))
    for (const k of this.upstreams.knownTools())
      if (!live.has(k.tool.id))
        entries.push({ ...k, tool: { ...k.tool, name: exposedName(k.tool.nameParts, k.tool.id) } })
    const stored = this.permissions.all()
    const info = (
      id: string,
      name: string,
      kind: ToolInfo['kind'],
      title: string | null,
      description: string,
      source: string,
      required: ToolInfo['requiredLevel'],
      available: boolean,
      trusted = true,
    ): ToolInfo => {
      const p = stored.get(id) ?? defaultPermission(required, trusted)
      return {
        id,
        name,
        kind,
        note: notes.get(id) ?? null,
        title,
        description,
        source,
        requiredLevel: required,
        level: p.level,
        ask: p.ask,
        isDefault: p.isDefault,
        available,
      }
    }
    const out = entries.map(({ tool, available }) =>
      info(
        tool.id,
        tool.name,
        'tool',
        tool.title ?? tool.annotations.title ?? null,
        tool.description,
        tool.source,
        requiredLevel(tool.annotations),
        available,
        hintsTrusted(tool),
      ),
    )
    const FEATURE_TEXT: Record<UpstreamFeature, string> = {
      resources: 'Read its resources (resources/read, subscriptions).',
      prompts: 'Get its prompts (prompts/get).',
      sampling: "Let it ask the client's model for a completion (sampling/createMessage).",
    }
    for (const { config, conn } of this.upstreams.live()) {
      const caps = conn.capabilities ?? {}
      for (const f of ['resources', 'prompts', 'sampling'] as UpstreamFeature[]) {
        if (f !== 'sampling' && !caps[f]) continue
        const id = this.relay.featureId(config, f)
        out.push(
          info(
            id,
            id,
            f,
            `${config.name}: ${f}`,
            FEATURE_TEXT[f],
            `upstream:${config.name}`,
            FEATURE_LEVEL[f],
            true,
          ),
        )
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }

  /** A tool by identity, exposed name, or the dotted name it had before identities. */
  private findInfo(infos: ToolInfo[], tool: string): ToolInfo | undefined {
    return (
      infos.find((t) => t.id === tool) ??
      infos.find((t) => t.name === tool) ??
      infos.find((t) => t.id === legacyToIdentity(tool))
    )
  }

  async setTool(tool: string, level: PermissionLevel, ask?: boolean): Promise<ToolInfo> {
    const info = this.findInfo(await this.toolInfos(), tool) ?? this.featureInfo(tool)
    if (!info)
      throw new AppError('NOT_FOUND', `No tool named "${tool}". List them with "keybridge tool list".`)
    this.permissions.set(info.id, level, ask ?? info.ask)
    // Asking again means asking every client again, including those told "always allow".
    if (ask === true) this.grants.forgetTool(info.id)
    this.permissionsChanged()
    return (await this.toolInfos()).find((t) => t.id === info.id) ?? this.featureInfo(info.id)!
  }

  /**
   * `<server>/:resources|prompts|sampling` of a stored upstream that is not running here (the CLI, a
   * stopped server): settable before it runs, though not listed.
   */
  private featureInfo(id: string): ToolInfo | undefined {
    const m = /^(.+)\/:(resources|prompts|sampling)$/.exec(id)
    if (!m) return undefined
    const config = this.upstreams.configs().find((c) => this.upstreams.identityPrefix(c) === m[1])
    if (!config) return undefined
    const f = m[2] as UpstreamFeature
    const p = this.permissions.all().get(id) ?? defaultPermission(FEATURE_LEVEL[f])
    return {
      id,
      name: id,
      kind: f,
      note: null,
      title: `${config.name}: ${f}`,
      description: `The ${f} of the upstream server "${config.name}".`,
      source: `upstream:${config.name}`,
      requiredLevel: FEATURE_LEVEL[f],
      level: p.level,
      ask: p.ask,
      isDefault: p.isDefault,
      available: false,
    }
  }

  async setBulk(source: string, level: PermissionLevel, ask?: boolean): Promise<ToolInfo[]> {
    const infos = (await this.toolInfos()).filter(
      (t) => t.source === source || t.source.startsWith(`${source}:`),
    )
    if (infos.length === 0) throw new AppError('NOT_FOUND', `No tools come from "${source}".`)
    this.permissions.setMany(infos.map((t) => ({ tool: t.id, level, ask: ask ?? t.ask })))
    if (ask === true) for (const t of infos) this.grants.forgetTool(t.id)
    this.permissionsChanged()
    const ids = new Set(infos.map((t) => t.id))
    return (await this.toolInfos()).filter((t) => ids.has(t.id))
  }

  /** How many tools a token sees in tools/list (scopes and permissions applied). */
  async toolCountFor(scopes: readonly string[]): Promise<number> {
    let n = 0
    for (const t of (await this.registry.tools()).values())
      if (
        visibleTo(
          this.deps,
          { id: '', name: '', scopes: [...scopes], expiresAt: null, dailyQuota: null, monthlyQuota: null },
          t,
        )
      )
        n++
    return n
  }

  /** The token list with each token's tool count. */
  async tokensWithCounts(): Promise<TokenSummary[]> {
    const list = this.tokens.list()
    const counts = new Map<string, number>()
    for (const t of list) {
      const key = t.scopes.join('\n')
      if (!counts.has(key)) counts.set(key, await this.toolCountFor(t.scopes))
      t.toolCount = counts.get(key)!
    }
    return list
  }

  /** Trusts (or stops trusting) a server's annotations, in one step for all its tools; audited, reversible. */
  trustUpstream(name: string, trusted: boolean, actor: AuditActor) {
    const summary = this.ctx.db.transaction(() => {
      const s = this.upstreams.setTrustHints(name, trusted)
      this.ctx.audit.record({
        actor,
        action: trusted ? 'upstream_hints_trusted' : 'upstream_hints_untrusted',
        target: `upstream:${s.name}`,
        detail: { tools: s.toolCount },
      })
      return s
    })()
    this.permissionsChanged()
    return summary
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

  /** Every token's usage (pending audit rows committed first, so the numbers include the last call). */
  tokensUsage(days: number, top: number) {
    this.auditWriter.flush()
    return tokensUsage(this.ctx.db, this.tokens.list(), this.ctx.clock.now(), days, top)
  }

  dashboardUsage(days: number) {
    this.auditWriter.flush()
    return dashboardUsage(this.ctx.db, this.ctx.clock.now(), days)
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
    this.grants.forgetToken(summary.id)
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
      // Checking the value is not a use: only bridge requests count.
      const check = this.tokens.verify(token, { countUse: false })
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

  /** The snippet, with the token's tool count and a warning when the app takes fewer tools than that. */
  async clientConfigChecked(client: ClientKind, tokenName: string, token?: string) {
    const r = this.clientConfig(client, tokenName, token)
    const count = await this.toolCountFor(r.summary.scopes)
    const limit = CLIENT_TOOL_LIMIT[client]
    const warnings =
      limit !== undefined && count > limit
        ? [
            `"${r.summary.name}" exposes ${count} tools; ${CLIENT_NAME[client]} handles about ${limit}. Narrow the token with scopes (keybridge token create --scope …).`,
          ]
        : []
    return { ...r, summary: { ...r.summary, toolCount: count }, warnings }
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

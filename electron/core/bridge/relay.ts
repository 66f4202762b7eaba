import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js'
import {
  ErrorCode,
  McpError,
  type LoggingLevel,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js'
import type { RequiredLevel } from '../../../shared/ipc/bridge'
import {
  authorize,
  allowedWithoutAsking,
  reasonDetail,
  type Denial,
  type PipelineDeps,
} from './call-pipeline'
import { exposedName, resolveNames } from './names'
import { severity, type SessionEntry, type SessionHub } from './sessions'
import type { CallRoute } from './tool-source'
import type { LiveUpstream, UpstreamManager } from './upstream/manager'
import type { UpstreamConnection } from './upstream/connection'
import type { UpstreamConfig } from './upstream/store'

/** The permissioned features of an upstream besides its tools, each with its own identity `<server>/:<feature>`. */
export type UpstreamFeature = 'resources' | 'prompts' | 'sampling'
export const FEATURE_LEVEL: Record<UpstreamFeature, RequiredLevel> = {
  resources: 'read',
  prompts: 'read',
  // Sampling spends the client's model on the server's behalf: it asks by default (execute → ask).
  sampling: 'execute',
}

/** A resource URI given to clients for a later upstream whose URI an earlier one already uses. */
const NS = 'keybridge://upstream/'
const MAX_PAGES = 50

function namespaced(upstream: string, uri: string): string {
  return `${NS}${encodeURIComponent(upstream)}/${encodeURIComponent(uri)}`
}

function parseNamespaced(uri: string): { upstream: string; uri: string } | null {
  if (!uri.startsWith(NS)) return null
  const [u, rest] = uri.slice(NS.length).split('/', 2)
  if (!u || rest === undefined) return null
  try {
    return { upstream: decodeURIComponent(u), uri: decodeURIComponent(uri.slice(NS.length + u.length + 1)) }
  } catch {
    return null
  }
}

interface PromptEntry {
  upstream: UpstreamConfig
  original: string
}

/**
 * Everything an upstream offers besides tools, relayed to the client sessions: resources (list, read,
 * templates, subscriptions), prompts, completions and logging. Upstreams are asked live (they are
 * local processes); what a client may see is filtered by the permission of `<server>/:resources` or
 * `<server>/:prompts` and the token's scopes, and every read / get is audited like a tool call.
 */
export class UpstreamRelay {
  /** Exposed URI → upstream, from the last resources/list. */
  private uriOwner = new Map<string, { upstream: UpstreamConfig; uri: string }>()
  /** Upstreams whose URIs clashed with an earlier upstream's: their URIs are namespaced. */
  private clashing = new Set<string>()
  private clashNotes = new Map<string, string>()
  private prompts = new Map<string, PromptEntry>()
  private promptNotes: string[] = []
  /** Upstream subscriptions: `<upstream id>\n<uri>` → how many sessions hold it. */
  private upstreamSubs = new Map<string, number>()

  constructor(
    private readonly manager: UpstreamManager,
    private readonly deps: PipelineDeps,
    private readonly hub: SessionHub,
  ) {}

  featureId(config: UpstreamConfig, feature: UpstreamFeature): string {
    return `${this.manager.identityPrefix(config)}/:${feature}`
  }

  /** What the running upstreams offer together: Keybridge declares it in its own initialize result. */
  capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = {}
    for (const { conn } of this.manager.live()) {
      const c = conn.capabilities
      if (!c) continue
      if (c.resources)
        caps.resources = {
          listChanged: true,
          ...(c.resources.subscribe || caps.resources?.subscribe ? { subscribe: true } : {}),
        }
      if (c.prompts) caps.prompts = { listChanged: true }
      if (c.completions) caps.completions = {}
      if (c.logging) caps.logging = {}
    }
    return caps
  }

  /** Readable notes for `upstream list`: URI clashes (prompt name collisions are resolved like tools). */
  notes(upstream: string): string[] {
    const n = this.clashNotes.get(upstream)
    return [...(n ? [n] : []), ...this.promptNotes.filter((p) => p.includes(`"${upstream}"`))]
  }

  private visible(e: SessionEntry, config: UpstreamConfig, feature: UpstreamFeature): boolean {
    return (
      allowedWithoutAsking(this.deps, e.identity, this.featureId(config, feature), FEATURE_LEVEL[feature]) !==
      'denied'
    )
  }

  private with(feature: 'resources' | 'prompts' | 'completions' | 'logging'): LiveUpstream[] {
    return this.manager
      .live()
      .filter((u) => u.conn.capabilities?.[feature])
      .sort((a, b) => a.config.createdAt - b.config.createdAt || (a.config.name < b.config.name ? -1 : 1))
  }

  private async pages<T>(
    conn: UpstreamConnection,
    method: string,
    key: string,
    signal: AbortSignal,
  ): Promise<T[]> {
    const out: T[] = []
    let cursor: string | undefined
    for (let i = 0; i < MAX_PAGES; i++) {
      const r = await conn.request(method, cursor ? { cursor } : {}, signal)
      out.push(...((r[key] as T[] | undefined) ?? []))
      cursor = r['nextCursor'] as string | undefined
      if (!cursor) break
    }
    return out
  }

  private async conn(config: UpstreamConfig, route: CallRoute | undefined): Promise<UpstreamConnection> {
    return this.manager.connectionOf(config, route?.sessionId)
  }

  // ---- resources

  async listResources(e: SessionEntry, signal: AbortSignal): Promise<{ resources: Resource[] }> {
    const all: { upstream: UpstreamConfig; resources: Resource[] }[] = []
    for (const u of this.with('resources')) {
      try {
        all.push({
          upstream: u.config,
          resources: await this.pages<Resource>(u.conn, 'resources/list', 'resources', signal),
        })
      } catch {
        // One failing upstream does not hide the others' resources.
      }
    }
    const owners = new Map<string, { upstream: UpstreamConfig; uri: string }>()
    const seen = new Map<string, string>()
    this.clashing.clear()
    this.clashNotes.clear()
    for (const { upstream, resources } of all)
      for (const r of resources) {
        const first = seen.get(r.uri)
        if (first !== undefined && first !== upstream.id) {
          this.clashing.add(upstream.id)
          const firstName = all.find((x) => x.upstream.id === first)?.upstream.name
          this.clashNotes.set(
            upstream.name,
            `Its resource URIs clash with "${firstName}"'s (e.g. ${r.uri.slice(0, 100)}); clients see them under ${NS}${upstream.name}/….`,
          )
        } else seen.set(r.uri, upstream.id)
      }
    const out: Resource[] = []
    for (const { upstream, resources } of all) {
      const ns = this.clashing.has(upstream.id)
      for (const r of resources) {
        const uri = ns ? namespaced(upstream.name, r.uri) : r.uri
        owners.set(uri, { upstream, uri: r.uri })
        if (this.visible(e, upstream, 'resources')) out.push({ ...r, uri })
      }
    }
    this.uriOwner = owners
    return { resources: out }
  }

  async listTemplates(
    e: SessionEntry,
    signal: AbortSignal,
  ): Promise<{ resourceTemplates: ResourceTemplate[] }> {
    const out: ResourceTemplate[] = []
    for (const u of this.with('resources')) {
      if (!this.visible(e, u.config, 'resources')) continue
      try {
        out.push(
          ...(await this.pages<ResourceTemplate>(
            u.conn,
            'resources/templates/list',
            'resourceTemplates',
            signal,
          )),
        )
      } catch {
        // Idem.
      }
    }
    return { resourceTemplates: out }
  }

  /** The upstream a client's URI belongs to, and the URI as that upstream knows it. */
  private async resolveUri(
    uri: string,
    signal: AbortSignal,
    e: SessionEntry,
  ): Promise<{ upstream: UpstreamConfig; uri: string }> {
    const live = this.with('resources')
    const ns = parseNamespaced(uri)
    if (ns) {
      const u = live.find((x) => x.config.name === ns.upstream)
      if (u) return { upstream: u.config, uri: ns.uri }
    }
    let owner = this.uriOwner.get(uri)
    if (!owner) {
      await this.listResources(e, signal).catch(() => {})
      owner = this.uriOwner.get(uri)
    }
    if (owner) return owner
    const fits: LiveUpstream[] = []
    for (const u of live) {
      if (this.clashing.has(u.config.id)) continue
      try {
        const templates = await this.pages<ResourceTemplate>(
          u.conn,
          'resources/templates/list',
          'resourceTemplates',
          signal,
        )
        if (templates.some((t) => new UriTemplate(t.uriTemplate).match(uri) !== null)) fits.push(u)
      } catch {
        // Idem.
      }
    }
    const pick = fits[0] ?? (live.length === 1 ? live[0] : undefined)
    if (!pick) throw new McpError(-32002, `Resource not found: ${uri.slice(0, 200)}`)
    return { upstream: pick.config, uri }
  }

  /** The URI an upstream's notification names, as clients know it. */
  private exposedUri(upstream: UpstreamConfig, uri: string): string {
    return this.clashing.has(upstream.id) ? namespaced(upstream.name, uri) : uri
  }

  async readResource(
    e: SessionEntry,
    uri: string,
    route: CallRoute,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const target = await this.resolveUri(uri, signal, e)
    return this.audited(
      e,
      target.upstream,
      'resources',
      'resource_read',
      uri,
      route,
      signal,
      async (conn) => {
        const r = await conn.request('resources/read', { uri: target.uri }, signal, route)
        const contents = (r['contents'] as { uri: string }[] | undefined) ?? []
        // Contents name the upstream's URIs: give them back as the client knows them.
        return {
          ...r,
          contents: contents.map((c) => ({
            ...c,
            uri: c.uri === target.uri ? uri : this.exposedUri(target.upstream, c.uri),
          })),
        }
      },
    )
  }

  async subscribe(e: SessionEntry, uri: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    const target = await this.resolveUri(uri, signal, e)
    const reason = await authorize(
      this.deps,
      e.identity,
      this.featureId(target.upstream, 'resources'),
      `the resources of "${target.upstream.name}"`,
      'read',
      { uri },
      signal,
    )
    if (reason) throw new McpError(ErrorCode.InvalidRequest, `Keybridge denied this: ${reason.text}`)
    if (e.subscriptions.has(uri)) return {}
    const key = `${target.upstream.id}\n${target.uri}`
    const held = this.upstreamSubs.get(key) ?? 0
    if (held === 0 || target.upstream.perSession) {
      const conn = await this.conn(target.upstream, this.hub.routeOf(e))
      if (!conn.capabilities?.resources?.subscribe)
        throw new McpError(
          ErrorCode.MethodNotFound,
          `"${target.upstream.name}" does not support resource subscriptions.`,
        )
      await conn.request('resources/subscribe', { uri: target.uri }, signal)
    }
    this.upstreamSubs.set(key, held + 1)
    e.subscriptions.add(uri)
    return {}
  }

  async unsubscribe(e: SessionEntry, uri: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    if (!e.subscriptions.delete(uri)) return {}
    const target = await this.resolveUri(uri, signal, e).catch(() => null)
    if (!target) return {}
    await this.release(target.upstream, target.uri, e, signal)
    return {}
  }

  private async release(
    upstream: UpstreamConfig,
    uri: string,
    e: SessionEntry,
    signal: AbortSignal,
  ): Promise<void> {
    const key = `${upstream.id}\n${uri}`
    const held = (this.upstreamSubs.get(key) ?? 1) - 1
    if (held <= 0) this.upstreamSubs.delete(key)
    else this.upstreamSubs.set(key, held)
    if (held <= 0 || upstream.perSession) {
      const conn = await this.conn(upstream, this.hub.routeOf(e)).catch(() => null)
      await conn?.request('resources/unsubscribe', { uri }, signal).catch(() => {})
    }
  }

  /** A session ended: its subscriptions are released upstream. */
  async sessionClosed(e: SessionEntry): Promise<void> {
    for (const uri of e.subscriptions) {
      const signal = AbortSignal.timeout(5_000)
      const target = await this.resolveUri(uri, signal, e).catch(() => null)
      if (target) await this.release(target.upstream, target.uri, e, signal)
    }
    e.subscriptions.clear()
  }

  // ---- prompts

  async listPrompts(e: SessionEntry, signal: AbortSignal): Promise<{ prompts: Prompt[] }> {
    const all: { upstream: UpstreamConfig; prompt: Prompt; id: string }[] = []
    for (const u of this.with('prompts')) {
      try {
        for (const p of await this.pages<Prompt>(u.conn, 'prompts/list', 'prompts', signal))
          all.push({
            upstream: u.config,
            prompt: p,
            id: `${this.manager.identityPrefix(u.config)}/${p.name}`,
          })
      } catch {
        // Idem.
      }
    }
    const { names, collisions } = resolveNames(
      all.map((a) => ({ identity: a.id, name: exposedName([a.upstream.name, a.prompt.name], a.id) })),
    )
    this.promptNotes = collisions.map(
      (c) =>
        `Prompts ${c.resolved.map((r) => `"${r.identity.split('/')[0]}" ${r.identity}`).join(', ')} all wanted the name ${c.name}; each got a suffix.`,
    )
    const map = new Map<string, PromptEntry>()
    const out: Prompt[] = []
    for (const a of all) {
      const name = names.get(a.id)!
      map.set(name, { upstream: a.upstream, original: a.prompt.name })
      if (this.visible(e, a.upstream, 'prompts'))
        out.push({ ...a.prompt, name, title: a.prompt.title ?? a.prompt.name })
    }
    this.prompts = map
    return { prompts: out }
  }

  private async prompt(e: SessionEntry, name: string, signal: AbortSignal): Promise<PromptEntry> {
    let p = this.prompts.get(name)
    if (!p) {
      await this.listPrompts(e, signal)
      p = this.prompts.get(name)
    }
    if (!p) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${name.slice(0, 128)}`)
    return p
  }

  async getPrompt(
    e: SessionEntry,
    params: { name: string; arguments?: Record<string, string> },
    route: CallRoute,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const p = await this.prompt(e, params.name, signal)
    return this.audited(e, p.upstream, 'prompts', 'prompt_get', params.name, route, signal, (conn) =>
      conn.request(
        'prompts/get',
        { name: p.original, ...(params.arguments ? { arguments: params.arguments } : {}) },
        signal,
        route,
      ),
    )
  }

  // ---- completion

  async complete(
    e: SessionEntry,
    params: Record<string, unknown>,
    route: CallRoute,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const ref = params['ref'] as { type: string; name?: string; uri?: string }
    let upstream: UpstreamConfig
    let upstreamRef: Record<string, unknown>
    if (ref.type === 'ref/prompt') {
      const p = await this.prompt(e, ref.name ?? '', signal)
      if (!this.visible(e, p.upstream, 'prompts'))
        throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${ref.name}`)
      upstream = p.upstream
      upstreamRef = { ...ref, name: p.original }
    } else {
      const ns = parseNamespaced(ref.uri ?? '')
      const live = this.with('completions')
      const byTemplate = ns
        ? live.find((u) => u.config.name === ns.upstream)
        : await this.templateOwner(ref.uri ?? '', live, signal)
      if (!byTemplate)
        throw new McpError(ErrorCode.InvalidParams, `No upstream offers ${String(ref.uri).slice(0, 200)}.`)
      if (!this.visible(e, byTemplate.config, 'resources'))
        throw new McpError(ErrorCode.InvalidParams, `No upstream offers ${ref.uri}.`)
      upstream = byTemplate.config
      upstreamRef = { ...ref, uri: ns ? ns.uri : ref.uri }
    }
    const conn = await this.conn(upstream, route)
    if (!conn.capabilities?.completions) return { completion: { values: [] } }
    return conn.request('completion/complete', { ...params, ref: upstreamRef }, signal, route)
  }

  private async templateOwner(
    uriTemplate: string,
    live: LiveUpstream[],
    signal: AbortSignal,
  ): Promise<LiveUpstream | undefined> {
    for (const u of live) {
      try {
        const t = await this.pages<ResourceTemplate>(
          u.conn,
          'resources/templates/list',
          'resourceTemplates',
          signal,
        )
        if (t.some((x) => x.uriTemplate === uriTemplate)) return u
      } catch {
        // Idem.
      }
    }
    return live.length === 1 ? live[0] : undefined
  }

  // ---- logging

  async setLevel(
    e: SessionEntry,
    level: LoggingLevel,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    e.logLevel = level
    // A shared upstream logs at the most verbose level any session asked for; each session filters.
    const levels = this.hub.all().map((s) => s.logLevel ?? 'debug')
    const min = levels.reduce((a, b) => (severity(b) < severity(a) ? b : a), level)
    await Promise.all(
      this.with('logging').map((u) =>
        this.conn(u.config, this.hub.routeOf(e))
          .then((c) => c.request('logging/setLevel', { level: u.config.perSession ? level : min }, signal))
          .catch(() => {}),
      ),
    )
    return {}
  }

  /** A client's roots changed: its own per-client processes, and the shared ones, are told. */
  async rootsChanged(e: SessionEntry): Promise<void> {
    const sessionId = e.server.transport?.sessionId
    await Promise.all(
      this.manager
        .live()
        .map((u) => this.manager.peek(u.config, sessionId))
        .map((conn) => conn?.notify('notifications/roots/list_changed').catch(() => {})),
    )
  }

  // ---- notifications from upstreams

  notified(
    upstream: UpstreamConfig,
    method: string,
    params: Record<string, unknown> | undefined,
    sessionId?: string,
  ): void {
    const targets = sessionId
      ? [this.hub.bySessionId(sessionId)].filter((x): x is SessionEntry => !!x)
      : this.hub.all()
    for (const e of targets) {
      const s = e.server
      switch (method) {
        case 'notifications/resources/list_changed':
          if (this.visible(e, upstream, 'resources')) void s.sendResourceListChanged().catch(() => {})
          break
        case 'notifications/prompts/list_changed':
          if (this.visible(e, upstream, 'prompts')) void s.sendPromptListChanged().catch(() => {})
          break
        case 'notifications/resources/updated': {
          const uri = this.exposedUri(upstream, String(params?.['uri'] ?? ''))
          if (e.subscriptions.has(uri)) void s.sendResourceUpdated({ ...params, uri }).catch(() => {})
          break
        }
        case 'notifications/message': {
          const level = params?.['level'] as LoggingLevel | undefined
          if (!level || (e.logLevel && severity(level) < severity(e.logLevel))) break
          if (!s.getClientCapabilities()) break
          void s.notification({ method, params: this.deps.redactor.value(params) as never }).catch(() => {})
          break
        }
      }
    }
  }

  // ---- sampling / elicitation / roots asked by an upstream

  /** Answers an upstream's request to the client session behind the call, permissioned and audited. */
  async answer(
    upstream: UpstreamConfig,
    kind: 'sampling' | 'elicitation' | 'roots',
    route: CallRoute,
    request: { method: string; params?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    // What an upstream asks the client must not carry a stored secret (one may be in its environment).
    request = this.deps.redactor.value(request) as typeof request
    if (kind !== 'sampling') return route.request(request, signal)
    const started = performance.now()
    const id = this.featureId(upstream, 'sampling')
    const summary = {
      maxTokens: request.params?.['maxTokens'],
      messages: (request.params?.['messages'] as unknown[] | undefined)?.length ?? 0,
    }
    const reason = await authorize(
      this.deps,
      { name: route.clientName, scopes: route.scopes },
      id,
      `Sampling for "${upstream.name}"`,
      'execute',
      summary,
      signal,
    )
    const finish = (outcome: 'ok' | 'denied' | 'error', why: string | null, code?: Denial) =>
      this.deps.audit.push({
        actor: 'bridge',
        actorName: route.clientName,
        action: 'sampling',
        target: id,
        outcome,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        detail: { ...summary, ...(why ? { reason: why } : {}), ...reasonDetail(code) },
      })
    if (reason) {
      finish('denied', reason.text, reason)
      throw new McpError(ErrorCode.InvalidRequest, `Keybridge denied this sampling request: ${reason.text}`)
    }
    try {
      const r = await route.request(request, signal)
      finish('ok', null)
      return r
    } catch (err) {
      finish('error', err instanceof Error ? this.deps.redactor.text(err.message) : 'failed')
      throw err
    }
  }

  /** Permission → the request → audit, for resources/read and prompts/get. */
  private async audited(
    e: SessionEntry,
    upstream: UpstreamConfig,
    feature: 'resources' | 'prompts',
    action: string,
    target: string,
    route: CallRoute,
    signal: AbortSignal,
    run: (conn: UpstreamConnection) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const started = performance.now()
    const id = this.featureId(upstream, feature)
    const what = `the ${feature} of "${upstream.name}"`
    const finish = (outcome: 'ok' | 'denied' | 'error', reason: string | null, code?: Denial) => {
      const durationMs = Math.round((performance.now() - started) * 100) / 100
      this.deps.audit.push({
        actor: 'bridge',
        actorName: e.identity.name,
        action,
        target: id,
        outcome,
        durationMs,
        detail: {
          [feature === 'resources' ? 'uri' : 'prompt']: target.slice(0, 500),
          ...(reason ? { reason } : {}),
          ...reasonDetail(code),
        },
      })
      this.deps.activity({
        at: this.deps.now(),
        client: e.identity.name,
        tool: id,
        outcome,
        durationMs,
        reason,
        ...(code ? { why: code.why, whyParams: code.params } : {}),
      })
    }
    const reason = await authorize(
      this.deps,
      e.identity,
      id,
      what,
      FEATURE_LEVEL[feature],
      { [feature === 'resources' ? 'uri' : 'prompt']: target },
      signal,
    )
    if (reason) {
      finish('denied', reason.text, reason)
      throw new McpError(ErrorCode.InvalidRequest, `Keybridge denied this: ${reason.text}`)
    }
    try {
      const conn = await this.conn(upstream, route)
      const r = this.deps.redactor.value(await run(conn)) as Record<string, unknown>
      finish('ok', null)
      return r
    } catch (err) {
      const message = err instanceof Error ? this.deps.redactor.text(err.message) : 'failed'
      finish('error', message)
      throw err instanceof McpError ? err : new McpError(ErrorCode.InternalError, message)
    }
  }
}

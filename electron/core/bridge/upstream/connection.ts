import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type ClientCapabilities,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../../shared/errors'
import type { UpstreamFailure, UpstreamSummary } from '../../../../shared/ipc/bridge'
import { appFailure, brokenAfter, failure, spawnFailure, timeoutFailure } from './failure'
import type { CallRoute } from '../tool-source'
import type { CachedTool } from './store'

type State = UpstreamSummary['state']

export interface BreakerPolicy {
  /** First restart delay; doubles per consecutive crash up to maxBackoffMs. */
  baseBackoffMs: number
  maxBackoffMs: number
  /** This many failures within windowMs open the circuit: no more automatic restarts. */
  maxFailures: number
  windowMs: number
  startTimeoutMs: number
  /** A call with neither an answer nor a progress report for this long is cancelled. */
  callTimeoutMs: number
}

export const DEFAULT_BREAKER: BreakerPolicy = {
  baseBackoffMs: 500,
  maxBackoffMs: 30_000,
  maxFailures: 5,
  windowMs: 60_000,
  startTimeoutMs: 20_000,
  callTimeoutMs: 120_000,
}

/** The longest a call may run even while it reports progress, unless the upstream says otherwise. */
export { type CallRoute }
export const DEFAULT_MAX_CALL_SECONDS = 600

/**
 * How to reach an upstream: anything that yields an SDK Transport (stdio today; remote Streamable HTTP
 * or SSE plug in here). `env` is the secret environment resolved from the vault at each start.
 */
export interface UpstreamEndpoint {
  /** #18: `lost` reports why a remote server or its session went away (retryCall: the call may be retried). */
  open(env: Record<string, string>, lost?: (reason: UpstreamFailure, retryCall: boolean) => void): Transport
  /** For messages: "command not found: npx" (spawn_failed). */
  describeFailure?(e: unknown): UpstreamFailure | undefined
  /** #18: a failure that needs the user's sign-in: no automatic retry until then. */
  needsSignIn?(e: unknown): boolean
  /** #18: a call that failed this way is tried once more on a new session. */
  retryCall?(e: unknown): boolean
  /** A child process's last stderr lines, for the UI when it fails (stdio only). */
  stderr?: StderrTail
}

export function stdioEndpoint(command: string, args: string[]): UpstreamEndpoint {
  const stderr = new StderrTail()
  return {
    stderr,
    open: (env) => {
      const transport = new StdioClientTransport({
        command,
        args,
        env: { ...getDefaultEnvironment(), ...env },
        // Kept for the UI (a failed start says why); every injected value is masked before storing.
        stderr: 'pipe',
      })
      stderr.reset(Object.values(env))
      transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')))
      return transport
    },
    describeFailure: (e) => spawnFailure(command, e),
  }
}

/** A request an upstream sends back while serving a call: answered by the client session behind that call. */
export type UpstreamRequestKind = 'sampling' | 'elicitation' | 'roots'

export interface ConnectionDeps {
  /** The child's extra environment, resolved from the vault at each start. */
  resolveEnv(): Record<string, string>
  toolsChanged(tools: CachedTool[]): void
  stateChanged(): void
  policy: BreakerPolicy
  maxCallSeconds?: number
  /** What Keybridge declares to the upstream (default: sampling, elicitation and roots). */
  capabilities?: ClientCapabilities
  /** An upstream notification to relay (resources/prompts changes, log messages). */
  notified?(method: string, params: Record<string, unknown> | undefined): void
  /**
   * Answers an upstream's sampling / elicitation / roots request for a route (permission, approval,
   * audit, forwarding). Without it these requests get "Method not found".
   */
  answer?(
    kind: UpstreamRequestKind,
    route: CallRoute,
    request: { method: string; params?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>
  /** The session that owns this connection (one process per client): requests outside a call go there. */
  owner?(): CallRoute | undefined
}

/** What Keybridge tells an upstream it can do, so servers do not hide the tools that need it. */
export const UPSTREAM_CLIENT_CAPABILITIES: ClientCapabilities = {
  sampling: {},
  elicitation: { form: {} },
  roots: { listChanged: true },
}

/**
 * One upstream MCP server, driven by the SDK client over any Transport. A crash schedules a restart
 * with exponential backoff; too many failures in a window open the circuit until someone restarts it
 * by hand. Secrets reach only the child's environment: never argv, files or messages.
 */
export class UpstreamConnection {
  state: State = 'stopped'
  restarts = 0
  /** Why it is not running, as a sentence (CLI, logs) and a code with parameters (the UI). */
  lastFailure: UpstreamFailure | null = null
  tools: CachedTool[] = []
  private client: Client | null = null
  private transport: Transport | null = null
  private failures: number[] = []
  private consecutive = 0
  private retryTimer: NodeJS.Timeout | null = null
  private wanted = false
  private generation = 0
  private failedGeneration = -1
  /** Calls in flight, most recent last: an upstream's sampling request belongs to one of them. */
  private inflight: CallRoute[] = []
  /** #18: why a remote transport reported its session or server gone (for lastError). */
  private lostReason: UpstreamFailure | null = null
  /** #18: sessions the server ended; a call that saw one is tried again on the new session. */
  private sessionsEnded = 0

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly endpoint: UpstreamEndpoint,
    private readonly deps: ConnectionDeps,
  ) {}

  get lastError(): string | null {
    return this.lastFailure?.message ?? null
  }

  /** The child's last stderr lines (secrets of its environment masked), shown when it fails. */
  get stderrLines(): string[] {
    return this.endpoint.stderr?.get() ?? []
  }

  get pid(): number | null {
    const t = this.transport as { pid?: number | null } | null
    return this.state === 'running' ? (t?.pid ?? null) : null
  }

  /** The upstream's capabilities while it runs. */
  get capabilities(): ServerCapabilities | undefined {
    return this.state === 'running' ? this.client?.getServerCapabilities() : undefined
  }

  async start(): Promise<void> {
    this.wanted = true
    if (this.state === 'running' || this.state === 'starting') return
    await this.connect()
  }

  /** A manual restart also closes the circuit. */
  async restart(): Promise<void> {
    this.failures = []
    this.consecutive = 0
    await this.stop()
    this.wanted = true
    await this.connect()
  }

  async stop(): Promise<void> {
    this.wanted = false
    this.generation++
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    const client = this.client
    this.client = null
    this.transport = null
    if (client) await client.close().catch(() => {})
    this.setState('stopped')
  }

  /** The running client, or a clear error. */
  private live(): Client {
    if (this.state === 'needs_sign_in') {
      throw new AppError(
        'OAUTH_FAILED',
        `The remote server "${this.name}" needs sign-in: run "keybridge upstream login ${this.name}" or use "Sign in" in the Bridge screen.`,
      )
    }
    const client = this.client
    if (!client || this.state !== 'running') {
      throw new AppError('UNREACHABLE', `The upstream server "${this.name}" is not running (${this.state}).`)
    }
    return client
  }

  /** Request options for a relayed request: no fixed cap while progress arrives, a maximum in any case. */
  private options(signal: AbortSignal, onprogress?: RequestOptions['onprogress']): RequestOptions {
    return {
      signal,
      timeout: this.deps.policy.callTimeoutMs,
      resetTimeoutOnProgress: true,
      maxTotalTimeout: (this.deps.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS) * 1000,
      ...(onprogress ? { onprogress } : {}),
    }
  }

  async callTool(
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    route?: CallRoute,
    retry = true,
  ): Promise<CallToolResult> {
    const client = this.live()
    const onprogress = progressRelay(route)
    const ended = this.sessionsEnded
    if (route) this.inflight.push(route)
    try {
      return (await client.callTool(
        { name: tool, arguments: args },
        undefined,
        // Without a client token Keybridge still asks for progress: it keeps a long call alive.
        this.options(signal, onprogress ?? (() => {})),
      )) as CallToolResult
    } catch (e) {
      // #18: a remote server that ended the session gets a new one; the call is tried once more.
      if (!(retry && !signal.aborted && (this.endpoint.retryCall?.(e) || this.sessionsEnded > ended))) {
        if (e instanceof AppError) throw e
        this.rethrowStopped(e, client, signal)
      }
    } finally {
      if (route) this.inflight.splice(this.inflight.lastIndexOf(route), 1)
    }
    await this.whenSettled(client, signal)
    return this.callTool(tool, args, signal, route, false)
  }

  /** The child died during the call (its close already ran): say which server, not "Connection closed". */
  private rethrowStopped(e: unknown, client: Client, signal: AbortSignal): never {
    if (this.client !== client && !signal.aborted) {
      throw new AppError(
        'UPSTREAM_ERROR',
        `The upstream server "${this.name}" stopped during the call (${this.lastError ?? 'it exited'}); Keybridge restarts it.`,
      )
    }
    throw e
  }

  /** Any other request to the upstream (resources, prompts, completion, logging), relayed as is. */
  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
    route?: CallRoute,
  ): Promise<Record<string, unknown>> {
    const client = this.live()
    const onprogress = progressRelay(route)
    const { _meta: _drop, ...rest } = params ?? {}
    void _drop
    if (route) this.inflight.push(route)
    try {
      return (await client.request(
        { method, params: rest } as never,
        PassThrough as never,
        this.options(signal, onprogress),
      )) as Record<string, unknown>
    } finally {
      if (route) this.inflight.splice(this.inflight.lastIndexOf(route), 1)
    }
  }

  /** A notification to the upstream (roots changed). */
  async notify(method: 'notifications/roots/list_changed'): Promise<void> {
    await this.live().notification({ method })
  }

  /**
   * The session an upstream's own request belongs to: the call in flight, else the owner of a
   * per-client process. Two clients' calls in flight on one shared process leave it ambiguous, and a
   * request is never guessed onto the wrong client.
   */
  private routeFor(kind: UpstreamRequestKind): CallRoute {
    const sessions = new Set(this.inflight.map((r) => r.sessionId))
    // During a call its own stream is the place (related-request routing); outside one, the owner.
    if (this.inflight.length > 0 && sessions.size === 1) return this.inflight[this.inflight.length - 1]
    const owner = this.deps.owner?.()
    if (owner) return owner
    if (this.inflight.length === 0 || sessions.size !== 1) {
      throw new McpError(
        ErrorCode.MethodNotFound,
        this.inflight.length === 0
          ? `Keybridge relays ${kind} requests only during a tool call of a client that supports them.`
          : `Keybridge cannot tell which client this ${kind} request is for (calls from several clients are running); mark the upstream "one process per client".`,
      )
    }
    return this.inflight[this.inflight.length - 1]
  }

  private async relayUp(
    kind: UpstreamRequestKind,
    request: { method: string; params?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const route = this.routeFor(kind)
    const declared =
      kind === 'sampling'
        ? route.clientCapabilities?.sampling
        : kind === 'elicitation'
          ? route.clientCapabilities?.elicitation
          : route.clientCapabilities?.roots
    if (!declared || !this.deps.answer) {
      throw new McpError(
        ErrorCode.MethodNotFound,
        `The client "${route.clientName}" does not support ${kind}.`,
      )
    }
    return this.deps.answer(kind, route, request, signal)
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation
    this.setState('starting')
    let env: Record<string, string>
    try {
      env = this.deps.resolveEnv()
    } catch (e) {
      // A missing credential or a locked vault: retrying will not help until something changes.
      this.lastFailure = appFailure('env_unresolved', e, 'Its environment could not be prepared.')
      this.setState('broken')
      return
    }
    let transport: Transport
    this.lostReason = null
    try {
      transport = this.endpoint.open(env, (reason, retryCall) => {
        if (gen !== this.generation) return
        this.lostReason = reason
        if (retryCall) this.sessionsEnded++
      })
    } catch (e) {
      this.lastFailure =
        this.endpoint.describeFailure?.(e) ??
        appFailure('transport_failed', e, 'its transport could not be opened')
      this.setState('broken')
      return
    }
    const client = new Client(
      { name: 'keybridge', version: '1' },
      { capabilities: this.deps.capabilities ?? UPSTREAM_CLIENT_CAPABILITIES },
    )
    client.onclose = () => {
      // #18: only a connection that was up; a failed connect is reported (with its reason) below.
      if (gen === this.generation && this.wanted && this.client === client)
        this.failed(gen, this.lostReason ?? failure('exited', 'exited unexpectedly'))
    }
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (gen !== this.generation) return
      await this.refreshTools(client).catch(() => {})
    })
    for (const schema of [
      ResourceListChangedNotificationSchema,
      ResourceUpdatedNotificationSchema,
      PromptListChangedNotificationSchema,
      LoggingMessageNotificationSchema,
    ]) {
      client.setNotificationHandler(schema, (n) => {
        if (gen === this.generation) this.deps.notified?.(n.method, n.params as Record<string, unknown>)
      })
    }
    const caps = this.deps.capabilities ?? UPSTREAM_CLIENT_CAPABILITIES
    if (caps.sampling)
      client.setRequestHandler(
        CreateMessageRequestSchema,
        (r, extra) => this.relayUp('sampling', r, extra.signal) as never,
      )
    if (caps.elicitation)
      client.setRequestHandler(
        ElicitRequestSchema,
        (r, extra) => this.relayUp('elicitation', r, extra.signal) as never,
      )
    if (caps.roots)
      client.setRequestHandler(
        ListRootsRequestSchema,
        (r, extra) => this.relayUp('roots', r, extra.signal) as never,
      )
    try {
      await client.connect(transport, { timeout: this.deps.policy.startTimeoutMs })
      if (gen !== this.generation) {
        await client.close().catch(() => {})
        return
      }
      this.client = client
      this.transport = transport
      await this.refreshTools(client)
      this.consecutive = 0
      this.lastFailure = null
      this.setState('running')
    } catch (e) {
      await client.close().catch(() => {})
      if (gen !== this.generation) return
      if (this.endpoint.needsSignIn?.(e)) {
        if (this.retryTimer) clearTimeout(this.retryTimer)
        this.retryTimer = null
        this.lastFailure =
          this.endpoint.describeFailure?.(e) ??
          failure('needs_sign_in', 'needs sign-in', { server: this.name })
        this.setState('needs_sign_in')
        return
      }
      this.failed(
        gen,
        this.endpoint.describeFailure?.(e) ??
          timeoutFailure(e, this.deps.policy.startTimeoutMs) ??
          failure('start_failed', 'failed to start or to answer initialize'),
      )
    }
  }

  private async refreshTools(client: Client): Promise<void> {
    const all: Tool[] = []
    let cursor: string | undefined
    for (let page = 0; page < 50; page++) {
      const r = await client.listTools(cursor ? { cursor } : undefined)
      all.push(...r.tools)
      cursor = r.nextCursor
      if (!cursor) break
    }
    // Every tool is kept, whatever its name: the registry gives each one a name clients accept.
    this.tools = all.map((t) => ({
      name: t.name,
      ...(t.title ? { title: t.title } : {}),
      description: t.description ?? '',
      inputSchema: t.inputSchema as Record<string, unknown>,
      ...(t.outputSchema ? { outputSchema: t.outputSchema as Record<string, unknown> } : {}),
      annotations: (t.annotations ?? {}) as Record<string, unknown>,
      ...(t.icons ? { icons: t.icons as Record<string, unknown>[] } : {}),
      ...(t.execution ? { execution: t.execution as Record<string, unknown> } : {}),
      ...(t._meta ? { _meta: t._meta } : {}),
    }))
    this.deps.toolsChanged(this.tools)
  }

  private failed(gen: number, reason: UpstreamFailure): void {
    // The client's close and a failed connect can both report the same death.
    if (this.failedGeneration === gen) return
    this.failedGeneration = gen
    this.client = null
    this.transport = null
    this.lastFailure = reason
    const now = Date.now()
    this.failures = [...this.failures.filter((t) => now - t < this.deps.policy.windowMs), now]
    if (this.failures.length >= this.deps.policy.maxFailures) {
      this.lastFailure = brokenAfter(reason, this.failures.length, this.deps.policy.windowMs)
      this.setState('broken')
      return
    }
    const delay = Math.min(
      this.deps.policy.maxBackoffMs,
      this.deps.policy.baseBackoffMs * 2 ** this.consecutive,
    )
    this.consecutive++
    this.setState('backoff')
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (!this.wanted) return
      this.restarts++
      void this.connect()
    }, delay)
    this.retryTimer.unref()
  }

  /** #18: waits (bounded by the start timeout) until a reconnect has settled one way or the other. */
  private async whenSettled(old: Client, signal: AbortSignal): Promise<void> {
    const end = Date.now() + this.deps.policy.startTimeoutMs
    while (Date.now() < end && !signal.aborted && this.wanted) {
      if (this.state === 'running' && this.client && this.client !== old) return
      if (this.state === 'broken' || this.state === 'needs_sign_in') return
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  private setState(s: State): void {
    this.state = s
    this.deps.stateChanged()
  }
}

/** A bounded tail of a child's stderr: the last MAX_LINES lines, each cut to MAX_LINE characters. */
export class StderrTail {
  static readonly MAX_LINES = 20
  static readonly MAX_LINE = 400
  private lines: string[] = []
  private partial = ''
  private secrets: string[] = []

  /** A new start: forget the old lines and mask these values (the child's injected environment). */
  reset(secrets: string[]): void {
    this.lines = []
    this.partial = ''
    this.secrets = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)
  }

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/)
    this.partial = (parts.pop() ?? '').slice(-StderrTail.MAX_LINE * 2)
    for (const line of parts) this.add(line)
  }

  get(): string[] {
    if (!this.partial.trim()) return [...this.lines]
    return [...this.lines, this.mask(this.maskCutOff(this.partial))].slice(-StderrTail.MAX_LINES)
  }

  /** An unfinished line may end in the first characters of a secret: hide such a tail too. */
  private maskCutOff(line: string): string {
    for (const s of this.secrets)
      for (let n = Math.min(s.length - 1, line.length); n >= 4; n--)
        if (line.endsWith(s.slice(0, n))) return `${line.slice(0, -n)}•••`
    return line
  }

  private add(line: string): void {
    if (!line.trim()) return
    this.lines.push(this.mask(line))
    if (this.lines.length > StderrTail.MAX_LINES) this.lines.shift()
  }

  private mask(line: string): string {
    let out = line
    for (const s of this.secrets) out = out.split(s).join('•••')
    return out.length > StderrTail.MAX_LINE ? `${out.slice(0, StderrTail.MAX_LINE)}…` : out
  }
}

/** The upstream's progress goes back to the client under the client's own token. */
function progressRelay(route: CallRoute | undefined): RequestOptions['onprogress'] | undefined {
  const token = route?.progressToken
  if (token === undefined || !route) return undefined
  return (p) =>
    void route
      .notify({ method: 'notifications/progress', params: { ...p, progressToken: token } })
      .catch(() => {})
}

/** Results of relayed requests go back as they came: the client on the other side validates them. */
export const PassThrough = {
  parse: (v: unknown) => v,
  safeParse: (v: unknown) => ({ success: true, data: v }),
  '~standard': { version: 1, vendor: 'keybridge', validate: (v: unknown) => ({ value: v }) },
}

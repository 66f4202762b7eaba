import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../../shared/errors'
import type { UpstreamSummary } from '../../../../shared/ipc/bridge'
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

export interface ConnectionDeps {
  /** The child's extra environment, resolved from the vault at each start. */
  resolveEnv(): Record<string, string>
  toolsChanged(tools: CachedTool[]): void
  stateChanged(): void
  policy: BreakerPolicy
  // --- #18 remote upstreams: a transport factory chosen by the upstream's kind (stdio when absent) ---
  /** Builds the transport for one connection; `lost` reports why the server or session went away. */
  createTransport?(lost: (reason: string, retryCall: boolean) => void): Transport
  /** Classifies a connect or call failure: needs_sign_in stops retrying until the user signs in. */
  classifyError?(e: unknown): { needsSignIn: boolean; retryCall: boolean; message: string } | undefined
  // --- end #18 ---
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,100}$/

/**
 * One upstream MCP server over stdio, driven by the SDK client. A crash schedules a restart with
 * exponential backoff; too many failures in a window open the circuit until someone restarts it by
 * hand. Secrets reach only the child's environment: never argv, files or messages.
 */
export class UpstreamConnection {
  state: State = 'stopped'
  restarts = 0
  lastError: string | null = null
  tools: CachedTool[] = []
  private client: Client | null = null
  private transport: (Transport & { pid?: number | null }) | null = null
  /** #18: why a remote transport reported its session or server gone (for lastError). */
  private lostReason: string | null = null
  /** #18: sessions the server ended; a call that saw one is tried again on the new session. */
  private sessionsEnded = 0
  private failures: number[] = []
  private consecutive = 0
  private retryTimer: NodeJS.Timeout | null = null
  private wanted = false
  private generation = 0
  private failedGeneration = -1

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly deps: ConnectionDeps,
  ) {}

  get pid(): number | null {
    return this.state === 'running' ? (this.transport?.pid ?? null) : null
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

  async callTool(
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    retry = true,
  ): Promise<CallToolResult> {
    const client = this.client
    if (this.state === 'needs_sign_in') {
      throw new AppError(
        'OAUTH_FAILED',
        `The remote server "${this.name}" needs sign-in: run "keybridge upstream login ${this.name}" or use "Sign in" in the Bridge screen.`,
      )
    }
    if (!client || this.state !== 'running') {
      throw new AppError('UNREACHABLE', `The upstream server "${this.name}" is not running (${this.state}).`)
    }
    const ended = this.sessionsEnded
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: this.deps.policy.callTimeoutMs,
      })) as CallToolResult
    } catch (e) {
      // #18: a remote server that ended the session gets a new one; the call is tried once more.
      const kind = this.deps.classifyError?.(e)
      if ((kind?.retryCall || this.sessionsEnded > ended) && !signal.aborted && retry) {
        await this.whenSettled(client, signal)
        return this.callTool(tool, args, signal, false)
      }
      if (e instanceof AppError) throw e
      // The child died during the call (its close already ran): say which server, not "Connection closed".
      if (this.client !== client && !signal.aborted) {
        throw new AppError(
          'UPSTREAM_ERROR',
          `The upstream server "${this.name}" stopped during the call (${this.lastError ?? 'it exited'}); Keybridge restarts it.`,
        )
      }
      throw e
    }
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation
    this.setState('starting')
    let env: Record<string, string>
    try {
      env = this.deps.resolveEnv()
    } catch (e) {
      // A missing credential or a locked vault: retrying will not help until something changes.
      this.lastError = e instanceof AppError ? e.message : 'Its environment could not be prepared.'
      this.setState('broken')
      return
    }
    this.lostReason = null
    let transport: Transport & { pid?: number | null }
    try {
      transport = this.deps.createTransport
        ? this.deps.createTransport((reason, retryCall) => {
            if (gen !== this.generation) return
            this.lostReason = reason
            if (retryCall) this.sessionsEnded++
          })
        : new StdioClientTransport({
            command: this.command,
            args: this.args,
            env: { ...getDefaultEnvironment(), ...env },
            stderr: 'ignore',
          })
    } catch (e) {
      this.lastError = e instanceof AppError ? e.message : 'Its connection could not be prepared.'
      this.setState('broken')
      return
    }
    const client = new Client({ name: 'keybridge', version: '1' }, { capabilities: {} })
    client.onclose = () => {
      // #18: only a connection that was up; a failed connect is reported (with its reason) by the catch below.
      if (gen === this.generation && this.wanted && this.client === client)
        this.failed(gen, this.lostReason ?? 'exited unexpectedly')
    }
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (gen !== this.generation) return
      await this.refreshTools(client).catch(() => {})
    })
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
      this.lastError = null
      this.setState('running')
    } catch (e) {
      await client.close().catch(() => {})
      if (gen !== this.generation) return
      const kind = this.deps.classifyError?.(e)
      if (kind?.needsSignIn) {
        if (this.retryTimer) clearTimeout(this.retryTimer)
        this.retryTimer = null
        this.lastError = kind.message
        this.setState('needs_sign_in')
        return
      }
      if (kind) return this.failed(gen, kind.message)
      const code = (e as NodeJS.ErrnoException)?.code
      this.failed(
        gen,
        code === 'ENOENT' ? `command not found: ${this.command}` : 'failed to start or to answer initialize',
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
    this.tools = all
      .filter((t) => TOOL_NAME.test(t.name))
      .map((t) => ({
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        description: t.description ?? '',
        inputSchema: t.inputSchema as Record<string, unknown>,
        annotations: (t.annotations ?? {}) as Record<string, unknown>,
      }))
    this.deps.toolsChanged(this.tools)
  }

  private failed(gen: number, reason: string): void {
    // The client's close and a failed connect can both report the same death.
    if (this.failedGeneration === gen) return
    this.failedGeneration = gen
    this.client = null
    this.transport = null
    this.lastError = reason
    const now = Date.now()
    this.failures = [...this.failures.filter((t) => now - t < this.deps.policy.windowMs), now]
    if (this.failures.length >= this.deps.policy.maxFailures) {
      this.lastError = `${reason}; stopped after ${this.failures.length} failures in ${Math.round(this.deps.policy.windowMs / 1000)} s (restart it by hand)`
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

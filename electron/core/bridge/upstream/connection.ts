import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
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
  /** The child's last stderr lines (secrets of its environment masked), shown when it fails. */
  readonly stderr = new StderrTail()
  tools: CachedTool[] = []
  private client: Client | null = null
  private transport: StdioClientTransport | null = null
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

  async callTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = this.client
    if (!client || this.state !== 'running') {
      throw new AppError('UNREACHABLE', `The upstream server "${this.name}" is not running (${this.state}).`)
    }
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: this.deps.policy.callTimeoutMs,
      })) as CallToolResult
    } catch (e) {
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
    const transport = new StdioClientTransport({
      command: this.command,
      args: this.args,
      env: { ...getDefaultEnvironment(), ...env },
      // Kept for the UI (a failed start says why); every injected value is masked before storing.
      stderr: 'pipe',
    })
    this.stderr.reset(Object.values(env))
    transport.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')))
    const client = new Client({ name: 'keybridge', version: '1' }, { capabilities: {} })
    client.onclose = () => {
      if (gen === this.generation && this.wanted) this.failed(gen, 'exited unexpectedly')
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

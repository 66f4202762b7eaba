import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { DenyReason, UpstreamSummary } from '../../../shared/ipc/bridge'

/** Why a call was denied: a fixed set, so a label never carries a sentence (shared/ has it for the UI). */
export type { DenyReason }

const UPSTREAM_STATES: UpstreamSummary['state'][] = ['stopped', 'starting', 'running', 'backoff', 'broken']

export interface MetricsSources {
  sessions(): number
  upstreams(): UpstreamSummary[]
  pendingApprovals(): number
}

/**
 * The bridge's Prometheus metrics (prom-client, its own registry per bridge so tests and several cores
 * never share counters). Labels are only tool names, token names, upstream names (the prefix of their
 * tool names), and fixed enums: never arguments, secrets or messages.
 */
export class BridgeMetrics {
  readonly registry = new Registry()
  private readonly calls
  private readonly duration
  private readonly denied
  private readonly rateLimited
  private readonly quotaRefused
  private readonly approvals
  private readonly restarts
  private readonly authFailures
  private readonly lastRestarts = new Map<string, number>()

  constructor(sources: MetricsSources) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    this.calls = new Counter({
      name: 'keybridge_tool_calls_total',
      help: 'Tool calls by tool, tool source, client token and outcome (ok, denied, error).',
      labelNames: ['tool', 'source', 'token', 'outcome'] as const,
      registers,
    })
    this.duration = new Histogram({
      name: 'keybridge_tool_call_duration_seconds',
      help: 'Time from a tools/call reaching the pipeline to its answer, by tool source and outcome.',
      labelNames: ['source', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    })
    this.denied = new Counter({
      name: 'keybridge_tool_calls_denied_total',
      help: 'Tool calls denied by Keybridge, by tool, client token and reason.',
      labelNames: ['tool', 'token', 'reason'] as const,
      registers,
    })
    this.rateLimited = new Counter({
      name: 'keybridge_rate_limited_total',
      help: 'Requests refused with 429 because the client token was over its rate limit.',
      labelNames: ['token'] as const,
      registers,
    })
    this.quotaRefused = new Counter({
      name: 'keybridge_quota_refused_total',
      help: 'Tool calls refused because the client token reached its daily or monthly quota.',
      labelNames: ['token', 'quota'] as const,
      registers,
    })
    this.approvals = new Counter({
      name: 'keybridge_approvals_total',
      help: 'Approval prompts answered, by decision (allow_once, always_allow, deny, timeout).',
      labelNames: ['decision'] as const,
      registers,
    })
    this.authFailures = new Counter({
      name: 'keybridge_auth_failures_total',
      help: 'Requests refused with 401, 403 or 503 before reaching MCP, by reason (missing, invalid, expired, revoked, tampered, locked, rolled_back, scope).',
      labelNames: ['reason'] as const,
      registers,
    })
    this.restarts = new Counter({
      name: 'keybridge_upstream_restarts_total',
      help: 'Automatic restarts of upstream MCP servers after a crash.',
      labelNames: ['upstream'] as const,
      registers,
    })
    const restarts = this.restarts
    const lastRestarts = this.lastRestarts
    new Gauge({
      name: 'keybridge_upstream_state',
      help: 'Upstream MCP servers: 1 for the state each is in (stopped, starting, running, backoff, broken).',
      labelNames: ['upstream', 'state'] as const,
      registers,
      collect() {
        this.reset()
        for (const u of sources.upstreams()) {
          for (const s of UPSTREAM_STATES) this.set({ upstream: u.name, state: s }, u.state === s ? 1 : 0)
          // Restarts are counted by the connection; the counter follows it.
          const seen = lastRestarts.get(u.name) ?? 0
          if (u.restarts > seen) restarts.inc({ upstream: u.name }, u.restarts - seen)
          lastRestarts.set(u.name, Math.max(seen, u.restarts))
        }
      },
    })
    new Gauge({
      name: 'keybridge_sessions',
      help: 'Open MCP sessions.',
      registers,
      collect() {
        this.set(sources.sessions())
      },
    })
    new Gauge({
      name: 'keybridge_pending_approvals',
      help: 'Tool calls waiting for the user to approve them.',
      registers,
      collect() {
        this.set(sources.pendingApprovals())
      },
    })
  }

  call(tool: string, source: string, token: string, outcome: 'ok' | 'denied' | 'error', ms: number): void {
    this.calls.inc({ tool, source, token, outcome })
    this.duration.observe({ source, outcome }, ms / 1000)
  }

  deny(tool: string, token: string, reason: DenyReason): void {
    this.denied.inc({ tool, token, reason })
  }

  rateLimit(token: string): void {
    this.rateLimited.inc({ token })
  }

  quota(token: string, quota: 'daily' | 'monthly', calls = 1): void {
    this.quotaRefused.inc({ token, quota }, calls)
  }

  approval(decision: 'allow_once' | 'always_allow' | 'deny' | 'timeout'): void {
    this.approvals.inc({ decision })
  }

  authFailure(reason: string): void {
    this.authFailures.inc({ reason })
  }

  /** The exposition text and its content type (Prometheus text format 0.0.4). */
  async scrape(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType }
  }
}

/** The same interface doing nothing: the bridge with metrics off (the benchmark's comparison). */
export function noMetrics(): Pick<
  BridgeMetrics,
  'call' | 'deny' | 'rateLimit' | 'quota' | 'approval' | 'authFailure'
> & { registry: null } {
  const nop = () => {}
  return { registry: null, call: nop, deny: nop, rateLimit: nop, quota: nop, approval: nop, authFailure: nop }
}

import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { ApprovalDecision, ApprovalRequest, RequiredLevel } from '../../../shared/ipc/bridge'
import type { Clock } from '../clock'
import type { Db } from '../vault/database'
import type { RowMacs } from '../vault/row-mac'

/** How a prompt ended: the user's decision or `timeout`. */
export type ApprovalResolution = ApprovalDecision | 'timeout'
/** A prompt's end, or a refusal before anyone was asked (`duplicate`, `queue_full`). */
export type ApprovalOutcome = ApprovalResolution | 'duplicate' | 'queue_full'

/** Prompts one client token may have waiting at once (each for a different tool). */
export const MAX_PENDING_PER_CLIENT = 3

interface Pending {
  request: ApprovalRequest
  tokenId: string
  resolve(o: ApprovalResolution): void
  cancelTimer(): void
}

export interface ApprovalHooks {
  requested(r: ApprovalRequest): void
  resolved(id: string, outcome: ApprovalResolution): void
}

/**
 * Tool calls waiting for the user. A call resolves with the user's decision, `timeout` when nobody
 * answers in time, or `deny` when the client goes away. A client token gets at most one prompt per tool
 * and MAX_PENDING_PER_CLIENT in all: a flood of calls cannot bury the user in prompts (or hide the one
 * that matters among them); the excess is refused at once. The timer runs on the injected clock.
 */
export class ApprovalQueue {
  private pending = new Map<string, Pending>()

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: () => number,
    private readonly hooks: ApprovalHooks,
  ) {}

  request(
    r: { client: string; tool: string; requiredLevel: RequiredLevel; arguments: Record<string, unknown> },
    signal?: AbortSignal,
    tokenId = r.client,
  ): Promise<ApprovalOutcome> {
    const mine = [...this.pending.values()].filter((p) => p.tokenId === tokenId)
    if (mine.some((p) => p.request.tool === r.tool)) return Promise.resolve('duplicate')
    if (mine.length >= MAX_PENDING_PER_CLIENT) return Promise.resolve('queue_full')
    const id = randomUUID()
    const now = this.clock.now()
    const timeout = this.timeoutMs()
    const request: ApprovalRequest = { id, ...r, createdAt: now, expiresAt: now + timeout }
    return new Promise((resolve) => {
      const finish = (o: ApprovalResolution) => {
        const p = this.pending.get(id)
        if (!p) return
        this.pending.delete(id)
        p.cancelTimer()
        signal?.removeEventListener('abort', onAbort)
        this.hooks.resolved(id, o)
        resolve(o)
      }
      const onAbort = () => finish('deny')
      const cancelTimer = this.clock.setTimer(timeout, () => finish('timeout'))
      this.pending.set(id, { request, tokenId, resolve: finish, cancelTimer })
      signal?.addEventListener('abort', onAbort, { once: true })
      this.hooks.requested(request)
    })
  }

  decide(id: string, decision: ApprovalDecision): void {
    const p = this.pending.get(id)
    if (!p) throw new AppError('NOT_FOUND', 'That approval request has already been answered or has expired.')
    p.resolve(decision)
  }

  list(): ApprovalRequest[] {
    return [...this.pending.values()].map((p) => p.request)
  }

  get size(): number {
    return this.pending.size
  }

  /** Denies everything still waiting (bridge stopping). */
  denyAll(): void {
    for (const p of [...this.pending.values()]) p.resolve('deny')
  }
}

/**
 * "Always allow" answers: per client token and tool identity, never for every client. Stored in the
 * vault so they survive restarts, each row MAC'd (a grant written outside Keybridge is ignored: the
 * call asks); a revoked token's grants go with it.
 */
export class ApprovalGrants {
  private readonly one
  private readonly put

  constructor(
    private readonly db: Db,
    private readonly macs: RowMacs,
  ) {
    this.one = db.prepare('SELECT * FROM bridge_approval_grants WHERE id = ?')
    this.put = db.prepare(
      'INSERT OR IGNORE INTO bridge_approval_grants (id, token_id, tool, created_at) VALUES (?, ?, ?, ?)',
    )
  }

  allows(tokenId: string, tool: string): boolean {
    const row = this.one.get(grantId(tokenId, tool)) as Record<string, unknown> | undefined
    return row !== undefined && this.macs.unlocked && this.macs.verifies('bridge_approval_grants', row)
  }

  grant(tokenId: string, tool: string, at: number): void {
    const id = grantId(tokenId, tool)
    this.db.transaction(() => {
      this.put.run(id, tokenId, tool, at)
      this.macs.sign('bridge_approval_grants', id)
    })()
  }

  /** Forgets a tool's grants (the user set it to "ask" again) or a token's (revoked). */
  forgetTool(tool: string): void {
    this.forget('SELECT id FROM bridge_approval_grants WHERE tool = ?', tool)
  }

  forgetToken(tokenId: string): void {
    this.forget('SELECT id FROM bridge_approval_grants WHERE token_id = ?', tokenId)
  }

  private forget(select: string, value: string): void {
    this.db.transaction(() => {
      for (const { id } of this.db.prepare(select).all(value) as { id: string }[]) {
        this.db.prepare('DELETE FROM bridge_approval_grants WHERE id = ?').run(id)
        // Signing a row that is gone removes its MAC.
        this.macs.sign('bridge_approval_grants', id)
      }
    })()
  }
}

const grantId = (tokenId: string, tool: string) => `${tokenId} ${tool}`

/**
 * Desktop notifications for approval requests, coalesced: the first in a quiet period is shown at once,
 * the ones that follow within `windowMs` are summed up in one notification at the end of the window.
 */
export class ApprovalNotifier {
  private windowOpen = false
  private held: { client: string; tool: string }[] = []

  constructor(
    private readonly clock: Clock,
    private readonly send: (n: { title: string; body: string }) => void,
    private readonly windowMs = 10_000,
  ) {}

  requested(client: string, tool: string): void {
    if (!this.windowOpen) {
      this.windowOpen = true
      this.send({ title: 'Keybridge: approval needed', body: `${client} wants to use ${tool}.` })
      this.clock.setTimer(this.windowMs, () => this.close())
      return
    }
    this.held.push({ client, tool })
  }

  private close(): void {
    const held = this.held
    this.held = []
    this.windowOpen = false
    if (held.length === 0) return
    const clients = [...new Set(held.map((h) => h.client))]
    this.send({
      title: 'Keybridge: approvals needed',
      body:
        held.length === 1
          ? `${held[0].client} wants to use ${held[0].tool}.`
          : `${held.length} more tool calls wait for your approval (${clients.slice(0, 3).join(', ')}${clients.length > 3 ? ', …' : ''}).`,
    })
    // What arrives next opens a new window.
    this.windowOpen = true
    this.clock.setTimer(this.windowMs, () => this.close())
  }
}

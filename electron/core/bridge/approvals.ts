import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { ApprovalDecision, ApprovalRequest, RequiredLevel } from '../../../shared/ipc/bridge'
import type { Clock } from '../clock'

export type ApprovalOutcome = ApprovalDecision | 'timeout'

interface Pending {
  request: ApprovalRequest
  resolve(o: ApprovalOutcome): void
  cancelTimer(): void
}

export interface ApprovalHooks {
  requested(r: ApprovalRequest): void
  resolved(id: string, outcome: ApprovalOutcome): void
}

/**
 * Tool calls waiting for the user. A call resolves with the user's decision, `timeout` when nobody
 * answers in time, or `deny` when the client goes away. The timer runs on the injected clock.
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
  ): Promise<ApprovalOutcome> {
    const id = randomUUID()
    const now = this.clock.now()
    const timeout = this.timeoutMs()
    const request: ApprovalRequest = { id, ...r, createdAt: now, expiresAt: now + timeout }
    return new Promise((resolve) => {
      const finish = (o: ApprovalOutcome) => {
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
      this.pending.set(id, { request, resolve: finish, cancelTimer })
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

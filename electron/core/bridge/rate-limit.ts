/**
 * A token bucket per client token: bursts up to the per-minute limit, refilled continuously, so a
 * client that waits `retryAfterSeconds` is guaranteed to get through.
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private perMinute: number,
    private readonly now: () => number,
  ) {}

  setLimit(perMinute: number): void {
    this.perMinute = perMinute
    this.buckets.clear()
  }

  /**
   * Takes `n` messages from the key's bucket, all or none (a batch runs whole or not at all); when they
   * do not fit, says how long until they do (or, beyond the bucket's size, until one does).
   */
  take(key: string, n = 1): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now()
    const ratePerMs = this.perMinute / 60_000
    let b = this.buckets.get(key)
    if (!b) {
      b = { tokens: this.perMinute, at: now }
      this.buckets.set(key, b)
      if (this.buckets.size > 10_000) this.prune(now)
    } else {
      b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * ratePerMs)
      b.at = now
    }
    if (b.tokens >= n) {
      b.tokens -= n
      return { ok: true }
    }
    const want = Math.min(n, this.perMinute)
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((want - b.tokens) / ratePerMs / 1000)) }
  }

  /** Whether at least one message would fit now (nothing is taken): lets a POST be refused before its body is read. */
  hasRoom(key: string): boolean {
    const b = this.buckets.get(key)
    if (!b) return this.perMinute >= 1
    return b.tokens + (this.now() - b.at) * (this.perMinute / 60_000) >= 1
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k)
  }
}

/** What one POST carries, counted the way limits and quotas count it: per JSON-RPC message. */
export interface MessageCount {
  /** Every JSON-RPC message (requests, notifications, responses to the server's requests). */
  messages: number
  /** The tools/call requests among them. */
  toolCalls: number
  batch: boolean
}

export function countMessages(body: unknown): MessageCount {
  const list = Array.isArray(body) ? body : [body]
  let toolCalls = 0
  for (const m of list)
    if (
      (m as { method?: unknown } | null)?.method === 'tools/call' &&
      (m as { id?: unknown }).id !== undefined
    )
      toolCalls++
  return { messages: Math.max(1, list.length), toolCalls, batch: Array.isArray(body) }
}

/** JSON-RPC batching was removed from MCP in 2025-06-18: a session at that version or later gets none. */
export function batchingAllowed(protocolVersion: string): boolean {
  return protocolVersion < '2025-06-18'
}

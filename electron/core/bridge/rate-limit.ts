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

  /** Takes one request from the key's bucket; when empty, says how long until the next one fits. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
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
    if (b.tokens >= 1) {
      b.tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)) }
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k)
  }
}

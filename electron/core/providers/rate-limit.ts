import type { Clock } from '../clock'

/** A sliding-window limit per key (here: per service), on the injected clock. */
export class RateLimiter {
  private hits = new Map<string, number[]>()
  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Records an attempt; when over the limit, nothing is recorded and the wait is returned. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock.now()
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs)
    if (recent.length >= this.limit) {
      this.hits.set(key, recent)
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000)),
      }
    }
    recent.push(now)
    this.hits.set(key, recent)
    return { ok: true }
  }
}

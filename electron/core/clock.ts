/** Time source and timers, injected so schedulers and auto-lock are testable without waiting. */
export interface Clock {
  now(): number
  setTimer(ms: number, fn: () => void): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return () => clearTimeout(t)
  },
}

/** A clock tests move by hand: timers fire when `advance` passes their due time. */
export class ManualClock implements Clock {
  private t: number
  private timers = new Map<number, { due: number; fn: () => void }>()
  private seq = 0
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start
  }
  now(): number {
    return this.t
  }
  setTimer(ms: number, fn: () => void): () => void {
    const id = ++this.seq
    this.timers.set(id, { due: this.t + Math.max(0, ms), fn })
    return () => this.timers.delete(id)
  }
  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined
      for (const e of this.timers) if (e[1].due <= end && (!next || e[1].due < next[1].due)) next = e
      if (!next) break
      this.timers.delete(next[0])
      this.t = next[1].due
      next[1].fn()
    }
    this.t = end
  }
}

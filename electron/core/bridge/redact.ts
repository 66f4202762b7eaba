export const REDACTED = '[redacted]'

/** Keys whose values are treated as secrets whatever they contain. */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|bearer|cookie|private[-_]?key/i

/**
 * Replaces every known secret value (stored credentials, upstream env secrets, values the bridge
 * itself injected) in strings, objects and arrays. Short values are ignored: redacting "1" would
 * wreck the text without protecting anything. The set is rebuilt lazily, on first use after a
 * change: a burst of credential changes costs one rebuild, at the next tool call.
 */
export class Redactor {
  private values: string[] | null = null

  constructor(private readonly load: () => Iterable<string>) {}

  /** Marks the secret values stale (credentials changed, the vault locked or unlocked) and drops them. */
  refresh(): void {
    this.values = null
  }

  private current(): string[] {
    if (this.values) return this.values
    const set = new Set<string>()
    for (const v of this.load()) {
      if (typeof v !== 'string' || v.length < 6) continue
      set.add(v)
      // A secret may travel base64-encoded (Basic auth) or URL-encoded, or JSON-escaped (log lines).
      set.add(encodeURIComponent(v))
      set.add(JSON.stringify(v).slice(1, -1))
    }
    // Longest first, so a secret containing another is replaced whole.
    this.values = [...set].sort((a, b) => b.length - a.length)
    return this.values
  }

  text(s: string, extra: readonly string[] = []): string {
    let out = s
    for (const v of extra) if (v.length >= 6 && out.includes(v)) out = out.split(v).join(REDACTED)
    for (const v of this.current()) if (out.includes(v)) out = out.split(v).join(REDACTED)
    return out
  }

  /** A deep copy with secret values replaced (and, with maskKeys, secret-looking keys masked). */
  value(v: unknown, opts: { extra?: readonly string[]; maskKeys?: boolean } = {}, depth = 0): unknown {
    if (typeof v === 'string') return this.text(v, opts.extra)
    if (depth > 32 || v === null || typeof v !== 'object') return v
    if (Array.isArray(v)) return v.map((x) => this.value(x, opts, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] =
        opts.maskKeys && SECRET_KEY.test(k) && typeof x === 'string'
          ? REDACTED
          : this.value(x, opts, depth + 1)
    }
    return out
  }

  /** Tool arguments for audit rows, events and approval prompts. */
  args(a: Record<string, unknown>): Record<string, unknown> {
    return this.value(a, { maskKeys: true }) as Record<string, unknown>
  }
}

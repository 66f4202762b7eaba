import { REDACTED, SecretMatcher } from '../providers/redact'

export { REDACTED }

/** The result `_meta` key saying how many secret forms Keybridge replaced in it. */
export const REDACTED_META = 'keybridge/redacted'

/** Audit rows keep at most this much of a call's arguments or result (as JSON text). */
export const SUMMARY_MAX_CHARS = 4096

/** Counts the secret forms a redaction pass replaced (a result that had any is marked and audited). */
export interface RedactionCount {
  n: number
}

/**
 * Replaces every known secret value (stored credentials, upstream env secrets, values the bridge
 * itself injected) in strings, objects and arrays, in every encoding `secretForms` computes, with one
 * compiled matcher. The matcher is rebuilt lazily, on first use after a change: a burst of credential
 * changes costs one rebuild, at the next tool call. A call's extra values (the auth headers it built)
 * get a matcher of their own combined with the stored ones, cached, since a credential builds the same
 * headers call after call.
 */
export class Redactor {
  private matcher: SecretMatcher | null = null
  private values: string[] = []
  private withExtra = new Map<string, SecretMatcher>()

  constructor(private readonly load: () => Iterable<string>) {}

  /** Marks the secret values stale (credentials changed, the vault locked or unlocked) and drops them. */
  refresh(): void {
    this.matcher = null
    this.values = []
    this.withExtra.clear()
  }

  /** The matcher for the stored secrets plus `extra`. */
  matcherFor(extra: readonly string[] = []): SecretMatcher {
    if (!this.matcher) {
      this.values = [...this.load()].filter((v) => typeof v === 'string')
      this.matcher = new SecretMatcher(this.values)
    }
    if (extra.length === 0) return this.matcher
    const key = extra.join('\u0000')
    let m = this.withExtra.get(key)
    if (!m) {
      m = new SecretMatcher([...this.values, ...extra])
      if (this.withExtra.size >= 32) this.withExtra.clear()
      this.withExtra.set(key, m)
    }
    return m
  }

  text(s: string, extra: readonly string[] = [], count?: RedactionCount): string {
    const r = this.matcherFor(extra).replace(s)
    if (count) count.n += r.count
    return r.text
  }

  /** A deep copy with secret values replaced (and, with maskKeys, values under secret-looking keys masked). */
  value(v: unknown, opts: { extra?: readonly string[]; count?: RedactionCount } = {}): unknown {
    return this.walk(v, this.matcherFor(opts.extra), opts.count ?? { n: 0 }, 0)
  }

  private walk(v: unknown, m: SecretMatcher, count: RedactionCount, depth: number): unknown {
    if (typeof v === 'string') {
      const r = m.replace(v)
      count.n += r.count
      return r.text
    }
    if (v === null || typeof v !== 'object') return v
    if (depth > 32) {
      // Too deep to walk: kept as redacted JSON text rather than copied unread.
      const r = m.replace(JSON.stringify(v) ?? '')
      count.n += r.count
      return r.text
    }
    if (Array.isArray(v)) return v.map((x) => this.walk(x, m, count, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      // Keys are redacted too: an upstream can echo a secret as a property name.
      const key = m.replace(k)
      count.n += key.count
      out[key.text] = this.walk(x, m, count, depth + 1)
    }
    return out
  }

  /**
   * A value for an audit row: redacted, and when its JSON is longer than `maxChars`, cut there (a secret
   * straddling the cut is still replaced whole) and marked with its original size.
   */
  summary(v: unknown, maxChars = SUMMARY_MAX_CHARS, count?: RedactionCount): unknown {
    const json = JSON.stringify(v) ?? 'null'
    if (json.length <= maxChars) return this.value(v, { count })
    const r = this.matcherFor().replace(json, maxChars)
    if (count) count.n += r.count
    return { truncated: true, originalBytes: Buffer.byteLength(json), preview: r.text }
  }

  /**
   * Tool arguments for audit rows, events and approval prompts: every value is kept except stored
   * secret values (matched by value, whatever the key the client chose, so the user sees what runs).
   */
  args(a: Record<string, unknown>): Record<string, unknown> {
    return this.value(a) as Record<string, unknown>
  }
}

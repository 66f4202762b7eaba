import { AppError } from '../../../shared/errors'

export const REDACTED = '[redacted]'

/** A shorter secret cannot be redacted without wrecking ordinary text, so it is refused at save time. */
export const MIN_SECRET_LENGTH = 6

/** Throws a typed error naming the field when a secret is too short to be redacted reliably. */
export function requireRedactableSecrets(secrets: Record<string, string>, label = (k: string) => k): void {
  for (const [k, v] of Object.entries(secrets)) {
    if (v !== '' && [...v].length < MIN_SECRET_LENGTH) {
      throw new AppError(
        'INVALID_INPUT',
        `The ${label(k)} is shorter than ${MIN_SECRET_LENGTH} characters: Keybridge could not keep it out of tool results. Check that you pasted the whole value.`,
      )
    }
  }
}

function tryEncodeUri(s: string): string | null {
  try {
    return encodeURIComponent(s)
  } catch {
    return null // a lone surrogate
  }
}

/** Every byte as %XX (what some clients send for any non-alphanumeric, or for everything). */
function percentAll(b: Buffer): string {
  let out = ''
  for (const x of b) out += '%' + x.toString(16).padStart(2, '0')
  return out
}

/** JSON string escaping with every non-ASCII character as \uXXXX (Python's ensure_ascii, Go's default for <>&). */
function jsonAscii(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

/**
 * The base64 characters that depend on the value's bytes only, for each of the three alignments the
 * value can have inside a longer base64 text (e.g. `email:token` in a Basic header): the edge characters
 * that mix in neighbouring bytes are left out. Alignment 0 also gives the whole padded encoding.
 */
function base64Cores(b: Buffer): string[] {
  const out: string[] = [b.toString('base64')]
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), b])
      .toString('base64')
      .replace(/=+$/, '')
    const first = Math.ceil((8 * k) / 6)
    const end = Math.floor((8 * (k + b.length)) / 6)
    if (end - first >= MIN_SECRET_LENGTH) out.push(enc.slice(first, end))
  }
  return out
}

/**
 * Every form Keybridge can compute in which a secret may come back: raw, JSON-escaped (plain, twice, ASCII-only,
 * with `\/`), URL-encoded (component, form `+`, every byte), base64 and base64url (whole and at each
 * alignment inside a longer encoding) and hex. Case folding is the matcher's job (it ignores case).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret])
  const json = JSON.stringify(secret).slice(1, -1)
  forms.add(json)
  // JSON inside JSON (a body that quotes a JSON text, as tool results do).
  forms.add(JSON.stringify(json).slice(1, -1))
  forms.add(json.replace(/\//g, '\\/'))
  forms.add(jsonAscii(secret))
  const uri = tryEncodeUri(secret)
  if (uri) {
    forms.add(uri)
    forms.add(uri.replace(/%20/g, '+'))
  }
  const bytes = Buffer.from(secret, 'utf8')
  forms.add(percentAll(bytes))
  for (const b64 of base64Cores(bytes)) {
    forms.add(b64)
    forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''))
    forms.add(b64.replace(/=+$/, ''))
  }
  forms.add(bytes.toString('hex'))
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH)
}

const escapeRe = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')

/**
 * One compiled matcher for a set of secrets in all their forms: a single case-insensitive regular
 * expression (longest alternative first, so a form containing another is replaced whole), so a text is
 * scanned once whatever the number of secrets.
 */
export class SecretMatcher {
  private readonly re: RegExp | null
  /** The longest form, in UTF-16 units: how far past a cut a reader must look to redact across it. */
  readonly longest: number

  constructor(secrets: Iterable<string>) {
    const forms = new Set<string>()
    for (const s of secrets) {
      if (typeof s !== 'string' || [...s].length < MIN_SECRET_LENGTH) continue
      for (const f of secretForms(s)) forms.add(f)
    }
    const sorted = [...forms].sort((a, b) => b.length - a.length)
    this.longest = sorted[0]?.length ?? 0
    this.re = sorted.length ? new RegExp(sorted.map(escapeRe).join('|'), 'gi') : null
  }

  get empty(): boolean {
    return this.re === null
  }

  /**
   * The text with every secret form replaced, and how many were. With `cutAt`, the result stops at that
   * index of the input, except that a secret starting before it is replaced whole: a secret straddling
   * the cut never leaves a prefix behind.
   */
  replace(text: string, cutAt = Infinity): { text: string; count: number; cut: boolean } {
    const cut = text.length > cutAt
    if (!this.re) return { text: cut ? text.slice(0, cutAt) : text, count: 0, cut }
    const re = this.re
    re.lastIndex = 0
    let out = ''
    let at = 0
    let count = 0
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index >= cutAt) break
      out += text.slice(at, m.index) + REDACTED
      at = m.index + m[0].length
      count++
    }
    if (count === 0) return { text: cut ? text.slice(0, cutAt) : text, count: 0, cut }
    out += text.slice(at, Math.max(at, Math.min(text.length, cutAt)))
    return { text: out, count, cut }
  }
}

/** Replaces any secret value, in any form `secretForms` knows, found in text. */
export function redact(text: string, secrets: Iterable<string>): string {
  return new SecretMatcher(secrets).replace(text).text
}

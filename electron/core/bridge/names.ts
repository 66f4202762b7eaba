import { createHash } from 'node:crypto'

/**
 * The names the bridge exposes (tools, prompts): letters, digits and single underscores, starting with
 * a letter, at most 48 characters. That passes Claude Desktop (`^[a-zA-Z0-9_-]{1,64}$`, one bad name
 * withholds the whole list), Cursor (alphanumerics and `_` only, server key + name under 60, `__`
 * mis-resolved), OpenAI-style function calling and VS Code (see docs/BRIDGE.md for the sources).
 */
export const EXPOSED_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/
export const MAX_NAME = 48
const HASH_LEN = 6

export function isExposedName(name: string): boolean {
  return name.length <= MAX_NAME && EXPOSED_NAME.test(name) && !name.endsWith('_')
}

/** One part of a name: Unicode folded to ASCII where it has a base letter, anything else `_`, runs of `_` collapsed. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  ø: 'o',
  Ø: 'O',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
}

export function sanitizePart(raw: string): string {
  return raw
    .replace(/[ßæÆøØœŒđłŁþ]/g, (c) => FOLD[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** A short, stable suffix derived from the identity (base36 of SHA-256), letters and digits only. */
export function shortHash(identity: string, len = HASH_LEN): string {
  const h = createHash('sha256').update(identity, 'utf8').digest()
  let out = ''
  for (let i = 0; out.length < len; i++) out += (h[i % h.length] % 36).toString(36)
  return out
}

/**
 * The exposed name for the parts of a name (source and original name, e.g. ["ha", "home", "get_state"]).
 * Deterministic: the same parts give the same name on every run. Too long → cut and suffixed with a
 * hash of the identity, so two long names that share a prefix stay apart.
 */
export function exposedName(parts: readonly string[], identity: string): string {
  // A part with nothing left after sanitising (a name in another script) is named by its hash.
  let base = parts
    .map((p) => sanitizePart(p) || (p ? `u${shortHash(p)}` : ''))
    .filter(Boolean)
    .join('_')
  if (!base) base = 'tool'
  if (!/^[A-Za-z]/.test(base)) base = `t_${base}`
  if (base.length <= MAX_NAME) return base
  return withHash(base, identity)
}

/** `base` cut to fit, then `_<hash>`. */
export function withHash(base: string, identity: string, len = HASH_LEN): string {
  const room = MAX_NAME - len - 1
  const head = base.slice(0, room).replace(/_+$/, '')
  return `${head}_${shortHash(identity, len)}`
}

export interface NameCollision {
  /** The name every one of them asked for. */
  name: string
  /** identity → the name it got instead. */
  resolved: { identity: string; name: string }[]
}

/**
 * Makes the wanted names unique. Every identity that shares a wanted name gets a hash suffix (all of
 * them, so the outcome does not depend on the order sources answer in), and the collision is reported.
 * Identities are sorted first so the result is the same on every run.
 */
export function resolveNames(wanted: readonly { identity: string; name: string }[]): {
  names: Map<string, string>
  collisions: NameCollision[]
} {
  const byName = new Map<string, string[]>()
  for (const w of [...wanted].sort((a, b) =>
    a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0,
  )) {
    const list = byName.get(w.name)
    if (list) {
      if (!list.includes(w.identity)) list.push(w.identity)
    } else byName.set(w.name, [w.identity])
  }
  const names = new Map<string, string>()
  const taken = new Set<string>()
  const collisions: NameCollision[] = []
  for (const [name, ids] of byName) if (ids.length === 1) taken.add(name)
  for (const [name, ids] of byName) {
    if (ids.length === 1) {
      names.set(ids[0], name)
      continue
    }
    const resolved: NameCollision['resolved'] = []
    for (const id of ids) {
      let len = HASH_LEN
      let n = withHash(name, id, len)
      // A suffixed name that meets another name (vanishingly rare) takes a longer hash.
      while (taken.has(n) && len < 16) n = withHash(name, id, ++len)
      taken.add(n)
      names.set(id, n)
      resolved.push({ identity: id, name: n })
    }
    collisions.push({ name, resolved })
  }
  return { names, collisions }
}

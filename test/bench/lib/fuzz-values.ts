/**
 * Deterministic fuzz values: a seeded PRNG, boundary values, hostile shapes (huge, deep, prototype keys)
 * and payloads generated from a channel's JSON Schema (so fuzzing reaches the handlers, not only zod).
 */

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  range(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]
  }
  chance(p: number): boolean {
    return this.next() < p
  }
}

/** FNV-1a, so each channel or category gets its own stream from one base seed. */
export function seedFor(base: number, name: string): number {
  let h = 0x811c9dc5 ^ base
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const MB = 1024 * 1024

export const BOUNDARY_STRINGS: readonly string[] = [
  '',
  ' ',
  'a',
  '0',
  '-1',
  'null',
  'undefined',
  'true',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '/dev/null',
  'C:\\',
  '\u0000',
  'a\u0000b',
  'line\r\nInjected: header',
  '\uD800',
  '\uDFFF\uD800',
  '🔑🔐🗝️',
  '\u202Egnp.exe',
  'e\u0301\u0301\u0301',
  'Ω≈ç√∫˜µ≤≥÷',
  '田中さんにあげて下さい',
  "' OR 1=1 --",
  '"; DROP TABLE credentials; --',
  '<script>alert(1)</script>',
  '{{credential:github/personal.token}}',
  '{"jsonrpc":"2.0"}',
  '%s%s%n%x',
  '*',
  '**/*',
  'kb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'http://127.0.0.1:1/',
  'https://example.invalid/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(1024),
  'x'.repeat(4097),
  'correct horse battery staple',
]

/** Big strings are built once and shared: the point is their size, not their bytes. */
export const HUGE_STRINGS: readonly string[] = [
  'y'.repeat(MB),
  '\u{1F511}'.repeat(MB / 4),
  'z'.repeat(8 * MB),
]

export const BOUNDARY_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  2 ** 31,
  2 ** 32,
  -(2 ** 31),
  65535,
  65536,
  3003,
  1e21,
]

/** Nested arrays or objects `depth` levels deep, built without recursion. */
export function deep(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v }
  return v
}

/** Objects whose own keys try to reach Object.prototype when merged or assigned naively. */
export function prototypePayloads(): unknown[] {
  return [
    JSON.parse('{"__proto__":{"polluted":"yes"}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
    JSON.parse('{"a":{"__proto__":{"polluted":"yes"}},"__proto__":[]}'),
    Object.assign(Object.create(null), { polluted: 'yes' }),
  ]
}

/** Whole-payload boundary cases, cycled through for every channel. */
export function topLevelBoundaries(): unknown[] {
  return [
    undefined,
    null,
    {},
    [],
    0,
    -1,
    NaN,
    Infinity,
    '',
    'x',
    true,
    false,
    HUGE_STRINGS[0],
    [null],
    [{}],
    new Array(100_000).fill(0),
    deep(10_000, 'array'),
    deep(10_000, 'object'),
    deep(200, 'object'),
    BigInt(1),
    new Date(NaN),
    new Date(0),
    new Map([['a', 1]]),
    new Set([1]),
    new Uint8Array(16),
    new ArrayBuffer(8),
    /regex/,
    ...prototypePayloads(),
    { id: null },
    { id: {} },
    { id: [] },
    { extra: 1, another: 'field' },
  ]
}

/** A value of any kind, weighted toward the ones that break parsers. */
export function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 7 : 10)) {
    case 0:
      return rng.pick(BOUNDARY_STRINGS)
    case 1:
      return rng.pick(BOUNDARY_NUMBERS)
    case 2:
      return rng.pick([null, undefined, true, false])
    case 3:
      return randomString(rng, rng.int(40))
    case 4:
      return rng.chance(0.05) ? rng.pick(HUGE_STRINGS) : rng.int(1000)
    case 5:
      return rng.pick([BigInt(-1), new Date(rng.int(2 ** 40)), new Uint8Array(rng.int(64))])
    case 6:
      return rng.chance(0.1) ? deep(rng.range(50, 3000), rng.chance(0.5) ? 'array' : 'object') : rng.int(2)
    case 7: {
      const n = rng.int(4)
      return Array.from({ length: n }, () => randomValue(rng, depth + 1))
    }
    default: {
      const o: Record<string, unknown> = {}
      const n = rng.int(5)
      for (let i = 0; i < n; i++) {
        const key = rng.chance(0.15)
          ? rng.pick(['__proto__', 'constructor', 'prototype'])
          : randomString(rng, 1 + rng.int(8))
        // Define, not assign: `o.__proto__ = x` would change o's prototype instead of adding a key.
        Object.defineProperty(o, key, {
          value: randomValue(rng, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return o
    }
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-/*é🔑\u0000"\'\\'

export function randomString(rng: Rng, length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += ALPHABET[rng.int(ALPHABET.length)]
  return s
}

/** The subset of JSON Schema that z.toJSONSchema emits for the contract's inputs. */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  default?: unknown
}

/** Strings seen in earlier answers, by the key they were under (id, name, service, ...). */
export type KnownValues = ReadonlyMap<string, readonly string[]>

function knownFor(known: KnownValues, key: string, rng: Rng): string | undefined {
  const same = known.get(key)
  if (same?.length && rng.chance(0.7)) return rng.pick(same)
  const all = [...known.values()]
  if (!all.length) return undefined
  const list = rng.pick(all)
  return list.length ? rng.pick(list) : undefined
}

/**
 * A payload that should pass the schema most of the time: right types and bounds, strings drawn from
 * the boundary pool and from `known` (ids and names harvested from earlier answers) when they fit.
 */
export function fromSchema(schema: JsonSchema, rng: Rng, known: KnownValues, depth = 0, key = ''): unknown {
  if (depth > 8) return null
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return rng.pick(schema.enum)
  const alts = schema.anyOf ?? schema.oneOf
  if (alts?.length) return fromSchema(rng.pick(alts), rng, known, depth + 1, key)
  if (schema.allOf?.length) return fromSchema(schema.allOf[0], rng, known, depth + 1, key)
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {}
      for (const [k, sub] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(k) || rng.chance(0.6)) o[k] = fromSchema(sub, rng, known, depth + 1, k)
      }
      if (typeof schema.additionalProperties === 'object') {
        for (let i = rng.int(3); i > 0; i--) {
          // Record keys: mostly names seen as `key` in answers (catalog field keys), else anything.
          const seen = rng.chance(0.7) ? knownFor(known, 'key', rng) : undefined
          const key =
            seen ??
            (schema.propertyNames
              ? String(fromSchema(schema.propertyNames, rng, known, depth + 1))
              : randomString(rng, 6))
          o[key] = fromSchema(schema.additionalProperties, rng, known, depth + 1, key)
        }
      }
      return o
    }
    case 'array': {
      const min = schema.minItems ?? 0
      const max = Math.min(schema.maxItems ?? 4, min + 4)
      return Array.from({ length: rng.range(min, Math.max(min, max)) }, () =>
        schema.items ? fromSchema(schema.items, rng, known, depth + 1, key) : randomValue(rng, depth + 1),
      )
    }
    case 'string':
      return stringFor(schema, rng, known, key)
    case 'integer':
    case 'number': {
      const lo =
        schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000)
      const hi =
        schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000)
      const pick = rng.int(4)
      const v = pick === 0 ? lo : pick === 1 ? hi : lo + rng.next() * Math.min(hi - lo, 1e9)
      return type === 'integer' ? Math.round(v) : v
    }
    case 'boolean':
      return rng.chance(0.5)
    case 'null':
      return null
    default:
      return randomValue(rng, depth + 1)
  }
}

/** Plausible values for well-known field names, so payloads get past format checks into handlers. */
const BY_KEY: [RegExp, readonly string[]][] = [
  [
    /url|uri|base/i,
    [
      'http://127.0.0.1:9/',
      'https://ha.example.test:8123',
      'http://[::1]:1/api',
      'http://homeassistant.local:8123/',
    ],
  ],
  [
    /path|file|dir|folder|out/i,
    ['/tmp/kb/backup.kbk', '/tmp/kb/claude_desktop_config.json', '/tmp/kb/.env', 'C:\\Users\\me\\backup.kbk'],
  ],
  [/pass/i, ['correct horse battery staple', 'a much longer backup passphrase', 'short']],
  [/domain/i, ['light', 'switch', 'sensor', 'climate']],
]

function stringFor(schema: JsonSchema, rng: Rng, known: KnownValues, key = ''): string {
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? 200
  let re: RegExp | undefined
  try {
    re = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined
  } catch {
    re = undefined
  }
  const fits = (s: string) => s.length >= min && s.length <= max && (!re || re.test(s))
  const byKey = BY_KEY.find(([k]) => k.test(key))
  if (byKey && rng.chance(0.7)) {
    const v = rng.pick(byKey[1])
    if (fits(v)) return v
  }
  if (rng.chance(0.5)) {
    const k = knownFor(known, key, rng)
    if (k !== undefined && fits(k)) return k
  }
  if (rng.chance(0.4)) {
    const b = rng.pick(BOUNDARY_STRINGS)
    if (fits(b)) return b
  }
  for (let tries = 0; tries < 8; tries++) {
    const len = rng.range(Math.max(min, 1), Math.max(Math.max(min, 1), Math.min(max, 24)))
    const s = re ? simpleWord(rng, len) : randomString(rng, len)
    if (fits(s)) return s
  }
  return 'a'.repeat(Math.max(min, 1))
}

function simpleWord(rng: Rng, len: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789_'
  let s = chars[rng.int(26)]
  while (s.length < len) s += chars[rng.int(chars.length)]
  return s
}

/** One damaging change to an otherwise valid payload: a wrong type, a missing or extra key, a hostile value. */
export function mutate(valid: unknown, rng: Rng): unknown {
  if (valid === null || typeof valid !== 'object' || Array.isArray(valid)) {
    return rng.chance(0.5) ? randomValue(rng) : rng.pick(topLevelBoundaries())
  }
  const o: Record<string, unknown> = { ...(valid as Record<string, unknown>) }
  const keys = Object.keys(o)
  const define = (k: string, v: unknown) =>
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  switch (rng.int(6)) {
    case 0:
      if (keys.length) delete o[rng.pick(keys)]
      return o
    case 1:
      if (keys.length) o[rng.pick(keys)] = randomValue(rng)
      return o
    case 2:
      define(rng.pick(['__proto__', 'constructor', 'prototype', 'extra', 'toString']), randomValue(rng))
      return o
    case 3:
      if (keys.length) o[rng.pick(keys)] = rng.pick([...HUGE_STRINGS, ...BOUNDARY_STRINGS])
      return o
    case 4:
      if (keys.length) o[rng.pick(keys)] = rng.pick(BOUNDARY_NUMBERS)
      return o
    default:
      if (keys.length) o[rng.pick(keys)] = deep(rng.range(10, 2000), rng.chance(0.5) ? 'array' : 'object')
      return o
  }
}

/** A short description of a payload's shape for reports: types and sizes, never its content. */
export function shapeOf(v: unknown, depth = 0): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) {
    if (depth > 2) return `array(${v.length})`
    return `[${v
      .slice(0, 3)
      .map((x) => shapeOf(x, depth + 1))
      .join(',')}${v.length > 3 ? `,…${v.length}` : ''}]`
  }
  if (typeof v === 'string') return `string(${v.length})`
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : String(v)
  if (typeof v !== 'object') return typeof v
  if (!(Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    return (v as object).constructor?.name ?? 'object'
  }
  if (depth > 2) return 'object'
  const entries = Object.entries(v as Record<string, unknown>)
  return `{${entries
    .slice(0, 6)
    .map(([k, x]) => `${k}:${shapeOf(x, depth + 1)}`)
    .join(',')}${entries.length > 6 ? ',…' : ''}}`
}

/** The seed of record for every fuzz run (tests and `npm run bench`); FUZZ_SEED overrides it to explore. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED) || 0x6b62_7a7a

import { AppError } from '../../../shared/errors'

/** A parsed JSON value with its place in the text, so a rewrite can replace one part and keep the rest. */
export type JsonNode =
  | { type: 'object'; start: number; end: number; members: JsonMember[] }
  | { type: 'array'; start: number; end: number; items: JsonNode[] }
  | { type: 'string'; start: number; end: number; value: string }
  | { type: 'number'; start: number; end: number; value: number }
  | { type: 'boolean'; start: number; end: number; value: boolean }
  | { type: 'null'; start: number; end: number; value: null }

export interface JsonMember {
  key: string
  /** Offset of the key's opening quote. */
  start: number
  value: JsonNode
}

export interface ParsedJson {
  root: JsonNode
  /** The text had // or /* comments (VS Code accepts them; the other apps do not). */
  comments: boolean
  trailingCommas: boolean
}

/**
 * JSON with comments and trailing commas (VS Code's JSONC). Errors name the line and column only:
 * a config file holds secrets, so its text never goes into a message.
 */
export function parseJsonc(text: string, file: string): ParsedJson {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let comments = false
  let trailingCommas = false

  const fail = (what: string, at = i): never => {
    const before = text.slice(0, at)
    const line = before.split('\n').length
    const column = at - before.lastIndexOf('\n')
    throw new AppError(
      'INVALID_INPUT',
      `${file} is not valid JSON: ${what} at line ${line}, column ${column}.`,
    )
  }

  const skip = () => {
    for (;;) {
      const c = text[i]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++
      else if (c === '/' && text[i + 1] === '/') {
        comments = true
        while (i < text.length && text[i] !== '\n') i++
      } else if (c === '/' && text[i + 1] === '*') {
        comments = true
        const close = text.indexOf('*/', i + 2)
        if (close < 0) fail('an unclosed /* comment')
        i = close + 2
      } else return
    }
  }

  const str = (): { type: 'string'; start: number; end: number; value: string } => {
    const start = i
    i++
    while (i < text.length) {
      const c = text[i]
      if (c === '"') {
        i++
        try {
          return { type: 'string', start, end: i, value: JSON.parse(text.slice(start, i)) as string }
        } catch {
          return fail('a bad escape in a string', start)
        }
      }
      if (c === '\\') i += 2
      else if (c === '\n') return fail('a line break inside a string')
      else i++
    }
    return fail('an unclosed string', start)
  }

  const value = (depth: number): JsonNode => {
    if (depth > 200) fail('nesting too deep')
    skip()
    const start = i
    const c = text[i]
    if (c === '{') {
      i++
      const members: JsonMember[] = []
      skip()
      if (text[i] === '}') {
        i++
        return { type: 'object', start, end: i, members }
      }
      for (;;) {
        if (text[i] !== '"') fail('a property name in double quotes was expected')
        const key = str()
        skip()
        if (text[i] !== ':') fail('a colon was expected')
        i++
        members.push({ key: key.value, start: key.start, value: value(depth + 1) })
        skip()
        if (text[i] === ',') {
          i++
          skip()
          if (text[i] === '}') {
            trailingCommas = true
            i++
            return { type: 'object', start, end: i, members }
          }
          continue
        }
        if (text[i] === '}') {
          i++
          return { type: 'object', start, end: i, members }
        }
        fail(i >= text.length ? 'an unexpected end of file' : 'a comma or } was expected')
      }
    }
    if (c === '[') {
      i++
      const items: JsonNode[] = []
      skip()
      if (text[i] === ']') {
        i++
        return { type: 'array', start, end: i, items }
      }
      for (;;) {
        items.push(value(depth + 1))
        skip()
        if (text[i] === ',') {
          i++
          skip()
          if (text[i] === ']') {
            trailingCommas = true
            i++
            return { type: 'array', start, end: i, items }
          }
          continue
        }
        if (text[i] === ']') {
          i++
          return { type: 'array', start, end: i, items }
        }
        fail(i >= text.length ? 'an unexpected end of file' : 'a comma or ] was expected')
      }
    }
    if (c === '"') return str()
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400))
    if (!m) return fail(i >= text.length ? 'an unexpected end of file' : 'an unexpected character')
    i += m[0].length
    const w = m[0]
    if (w === 'true' || w === 'false') return { type: 'boolean', start, end: i, value: w === 'true' }
    if (w === 'null') return { type: 'null', start, end: i, value: null }
    return { type: 'number', start, end: i, value: Number(w) }
  }

  const root = value(0)
  skip()
  if (i < text.length) fail('unexpected text after the end')
  return { root, comments, trailingCommas }
}

/** The plain value of a node. */
export function toValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const m of node.members) {
        Object.defineProperty(out, m.key, {
          value: toValue(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return out
    }
    case 'array':
      return node.items.map(toValue)
    default:
      return node.value
  }
}

/** The last member with that key (JSON.parse keeps the last too). */
export function member(node: JsonNode | undefined, key: string): JsonMember | undefined {
  if (!node || node.type !== 'object') return undefined
  for (let k = node.members.length - 1; k >= 0; k--) if (node.members[k].key === key) return node.members[k]
  return undefined
}

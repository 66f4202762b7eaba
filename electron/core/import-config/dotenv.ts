export interface DotenvEntry {
  key: string
  value: string
  line: number
}

export interface ParsedDotenv {
  entries: DotenvEntry[]
  /** Lines that are neither a variable, a comment nor blank (by number: their text may be secret). */
  skipped: number[]
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/

/**
 * The dotenv format as the common loaders read it: `KEY=VALUE`, an optional `export ` prefix, `#`
 * comments (whole lines, or after an unquoted value), single quotes taken literally, double quotes with
 * \n escapes and line breaks inside, backticks like single quotes. A later duplicate key wins.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/)
  const byKey = new Map<string, DotenvEntry>()
  const skipped: number[] = []
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]
    if (/^\s*(#.*)?$/.test(raw)) continue
    const m = LINE.exec(raw)
    if (!m) {
      skipped.push(n + 1)
      continue
    }
    const line = n + 1
    let rest = m[2]
    let value: string
    const q = rest[0]
    if (q === '"' || q === "'" || q === '`') {
      // The value may run over several lines until the matching quote.
      let body = rest.slice(1)
      let close = findClose(body, q)
      while (close < 0 && n + 1 < lines.length) {
        n++
        body += '\n' + lines[n]
        close = findClose(body, q)
      }
      if (close < 0) {
        skipped.push(line)
        continue
      }
      value = body.slice(0, close)
      if (q === '"')
        value = value.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c)
    } else {
      const hash = rest.search(/\s#/)
      if (hash >= 0) rest = rest.slice(0, hash)
      value = rest.trim()
    }
    byKey.delete(m[1])
    byKey.set(m[1], { key: m[1], value, line })
  }
  return { entries: [...byKey.values()], skipped }
}

function findClose(body: string, q: string): number {
  for (let k = 0; k < body.length; k++) {
    if (q === '"' && body[k] === '\\') k++
    else if (body[k] === q) return k
  }
  return -1
}

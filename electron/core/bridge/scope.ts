/**
 * Compiles tool patterns into one matcher over tool identities (`homeassistant/home/get_state`,
 * `github/api_read`, `every/echo`); no pattern = every tool. `*` matches any run of characters, `?`
 * one. A `.` or `/` in a pattern matches either separator: scopes written when identities were dotted
 * (`homeassistant.*`, `github.api_read`) keep matching exactly what they matched.
 */
export function scopeMatcher(patterns: readonly string[]): (tool: string) => boolean {
  if (patterns.length === 0) return () => true
  const res = patterns.map(
    (p) =>
      new RegExp(
        '^' +
          p
            .split('')
            .map((c) =>
              c === '*'
                ? '.*'
                : c === '?'
                  ? '.'
                  : c === '.' || c === '/'
                    ? '[./]'
                    : c.replace(/[+^${}()|[\]\\-]/g, '\\$&'),
            )
            .join('') +
          '$',
      ),
  )
  return (tool) => res.some((r) => r.test(tool))
}

const cache = new Map<string, (tool: string) => boolean>()

/** The same, memoised per pattern list (tokens are checked on every request). */
export function scopeAllows(patterns: readonly string[], tool: string): boolean {
  const key = patterns.join('\n')
  let m = cache.get(key)
  if (!m) {
    if (cache.size > 1000) cache.clear()
    m = scopeMatcher(patterns)
    cache.set(key, m)
  }
  return m(tool)
}

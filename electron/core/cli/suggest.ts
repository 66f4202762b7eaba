/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short words. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/**
 * The candidate closest to `word`, if it is plausibly a typo of it: within a third of its length
 * (at least 2 edits), or a prefix/part of it (`--datadir` → `--data-dir`, `cred` → `credential`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '')
  let best: { c: string; d: number } | undefined
  for (const c of candidates) {
    const d = norm(c) === norm(word) ? 0 : distance(word.toLowerCase(), c.toLowerCase())
    if (!best || d < best.d) best = { c, d }
  }
  if (!best) return undefined
  const limit = Math.max(2, Math.floor(word.length / 3))
  if (best.d <= limit) return best.c
  return candidates.find((c) => word.length >= 3 && c.startsWith(word))
}

/** ` Did you mean "x"?` or nothing. */
export function didYouMean(word: string, candidates: readonly string[], show = (s: string) => s): string {
  const c = closest(word, candidates)
  return c ? ` Did you mean "${show(c)}"?` : ''
}

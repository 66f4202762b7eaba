import { maskSecret } from './detect'

const CONTEXT = 3

/** Replaces every secret (raw, or as it appears escaped inside a JSON string) with its mask. */
export function maskText(text: string, secrets: string[]): string {
  let out = text
  for (const s of [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)) {
    const escaped = JSON.stringify(s).slice(1, -1)
    out = out.split(s).join(maskSecret(s))
    if (escaped !== s) out = out.split(escaped).join(maskSecret(s))
  }
  return out
}

/**
 * A unified diff (`---`/`+++`, `@@` hunks, 3 lines of context) of two texts, by the longest common
 * subsequence of their lines. Config files are small, so the quadratic table is fine; huge inputs fall
 * back to one hunk replacing everything.
 */
export function unifiedDiff(before: string, after: string, name: string): string {
  // A final newline ends the last line; it is not a line of its own.
  const a = before.replace(/\r?\n$/, '').split(/\r?\n/)
  const b = after.replace(/\r?\n$/, '').split(/\r?\n/)
  type Op = { kind: ' ' | '-' | '+'; text: string; ai: number; bi: number }
  const ops: Op[] = []
  if (a.length * b.length > 4_000_000) {
    a.forEach((t, i) => ops.push({ kind: '-', text: t, ai: i, bi: 0 }))
    b.forEach((t, i) => ops.push({ kind: '+', text: t, ai: a.length, bi: i }))
  } else {
    const n = a.length
    const m = b.length
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    let i = 0
    let j = 0
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i], ai: i++, bi: j++ })
      else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1]))
        ops.push({ kind: '-', text: a[i], ai: i++, bi: j })
      else ops.push({ kind: '+', text: b[j], ai: i, bi: j++ })
    }
    // Within a run of changes, removals first, then additions (as diff and git show them).
    for (let k = 0; k < ops.length;) {
      if (ops[k].kind === ' ') {
        k++
        continue
      }
      let e = k
      while (e < ops.length && ops[e].kind !== ' ') e++
      const run = ops.slice(k, e)
      const sorted = [...run.filter((o) => o.kind === '-'), ...run.filter((o) => o.kind === '+')]
      sorted[0] = { ...sorted[0], ai: run[0].ai, bi: run[0].bi }
      ops.splice(k, e - k, ...sorted)
      k = e
    }
  }
  if (!ops.some((o) => o.kind !== ' ')) return ''

  const out = [`--- a/${name}`, `+++ b/${name}`]
  let k = 0
  while (k < ops.length) {
    if (ops[k].kind === ' ') {
      k++
      continue
    }
    // A hunk: this change, the ones within 2×CONTEXT lines after it, and context around them.
    const start = Math.max(0, k - CONTEXT)
    let end = k
    let lastChange = k
    while (end < ops.length && end - lastChange <= 2 * CONTEXT) {
      if (ops[end].kind !== ' ') lastChange = end
      end++
    }
    end = Math.min(ops.length, lastChange + CONTEXT + 1)
    const hunk = ops.slice(start, end)
    const aCount = hunk.filter((o) => o.kind !== '+').length
    const bCount = hunk.filter((o) => o.kind !== '-').length
    const aStart = hunk[0].ai + (aCount ? 1 : 0)
    const bStart = hunk[0].bi + (bCount ? 1 : 0)
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`)
    for (const o of hunk) out.push(o.kind + o.text)
    k = end
  }
  return out.join('\n') + '\n'
}

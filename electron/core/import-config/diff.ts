import { createTwoFilesPatch } from 'diff'
import { maskSecret } from './detect'

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
 * A unified diff (`---`/`+++`, `@@` hunks, 3 lines of context) from the `diff` package: patches that
 * apply (an empty side included), line-ending and final-newline changes shown. '' when equal.
 */
export function unifiedDiff(before: string, after: string, name: string): string {
  if (before === after) return ''
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
  })
}

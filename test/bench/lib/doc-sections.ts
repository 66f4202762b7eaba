import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** One generated part of a doc, replaced as a whole when its module runs again. */
export interface DocSection {
  id: string
  markdown: string
}

const SECTION_RE = /<!-- section:([\w.-]+) -->\n([\s\S]*?)<!-- \/section:\1 -->/g

/** Sections a previous run wrote, so a filtered run (`--only vault`) keeps the others. */
export function readSections(file: string): Map<string, string> {
  const found = new Map<string, string>()
  if (!existsSync(file)) return found
  for (const m of readFileSync(file, 'utf8').matchAll(SECTION_RE)) found.set(m[1], m[2])
  return found
}

/**
 * Rewrites `file` as `head` followed by every section: the fresh ones replace those of earlier runs,
 * the others are kept as they were. Order follows `order`, then the remaining ids alphabetically.
 */
export function writeDoc(
  file: string,
  head: (all: Map<string, string>) => string,
  fresh: DocSection[],
  order: string[] = [],
): void {
  const all = readSections(file)
  for (const s of fresh) all.set(s.id, s.markdown.endsWith('\n') ? s.markdown : s.markdown + '\n')
  const rank = (id: string) => {
    const i = order.indexOf(id)
    return i < 0 ? order.length : i
  }
  const ids = [...all.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  const body = ids.map((id) => `<!-- section:${id} -->\n${all.get(id)}<!-- /section:${id} -->\n`).join('\n')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${head(all).trimEnd()}\n\n${body}`)
}

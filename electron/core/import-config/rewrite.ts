import { clientConfigSnippet } from '../bridge/client-config'
import type { ClientKind } from '../../../shared/ipc/bridge'
import type { SourceConfig } from './formats'
import type { Proposal } from './plan'

export const BRIDGE_ENTRY = 'keybridge'

/** The servers a rewrite takes out of the app's config; the rest stay as they are. */
export function rewriteSplit(p: Proposal): { removes: string[]; keeps: string[] } {
  const removes: string[] = []
  const keeps: string[] = []
  for (const s of p.servers) {
    const moved =
      s.action === 'keybridge' ||
      (s.include && s.action === 'upstream') ||
      // #18: a URL server now becomes a remote upstream: the app reaches it through the bridge.
      (s.include && s.action === 'remote')
    ;(moved ? removes : keeps).push(s.id)
  }
  return { removes, keeps }
}

/** The bridge's own entry for this app, from the bridge's client-config snippet. */
export function bridgeEntry(client: ClientKind, url: string, token: string): unknown {
  const snippet = JSON.parse(clientConfigSnippet(client, url, token).snippet) as Record<
    string,
    Record<string, unknown>
  >
  return (snippet['mcpServers'] ?? snippet['servers'])[BRIDGE_ENTRY]
}

function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  return /^[ \t]*/.exec(text.slice(lineStart))![0]
}

function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text)
  return m ? (m[1].startsWith('\t') ? '\t' : m[1].length >= 4 && m[1].length % 4 === 0 ? '    ' : '  ') : '  '
}

/**
 * The config text with the moved servers taken out and the bridge entry in: only the servers object
 * is regenerated. Everything around it (other settings, `inputs`, comments) is kept byte for byte, and
 * so is the text of each server that stays.
 */
export function rewriteText(source: SourceConfig, removes: string[], entry: unknown): string {
  const { text } = source
  const node = source.json!.servers
  if (node.type !== 'object') throw new Error('servers is not an object')
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const base = indentOf(text, node.start)
  const unit = indentUnit(text)
  const inner = base + unit
  const render = (v: unknown) =>
    JSON.stringify(v, null, unit)
      .split('\n')
      .join(eol + inner)
  const members: string[] = []
  let placed = false
  for (const m of node.members) {
    if (m.key === BRIDGE_ENTRY || removes.includes(m.key)) {
      if (m.key === BRIDGE_ENTRY && !placed) {
        members.push(`${JSON.stringify(BRIDGE_ENTRY)}: ${render(entry)}`)
        placed = true
      }
      continue
    }
    members.push(text.slice(m.start, m.value.end))
  }
  if (!placed) members.push(`${JSON.stringify(BRIDGE_ENTRY)}: ${render(entry)}`)
  const object = `{${eol}${members.map((m) => inner + m).join(',' + eol)}${eol}${base}}`
  return text.slice(0, node.start) + object + text.slice(node.end)
}

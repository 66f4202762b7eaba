import { basename } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { ClientKind } from '../../../shared/ipc/bridge'
import type { ImportFormat, ImportNote } from '../../../shared/ipc/importConfig'
import { note } from './notes'
import { parseDotenv, type DotenvEntry } from './dotenv'
import { member, parseJsonc, toValue, type JsonNode, type ParsedJson } from './jsonc'

/** One server as the app's config defines it, whatever the app. */
export interface SourceServer {
  name: string
  transport: 'stdio' | 'http' | 'sse'
  command: string | null
  args: string[]
  env: [string, string][]
  url: string | null
  headers: [string, string][]
  notes: ImportNote[]
  /** Why it cannot move to the bridge (it stays in the app as it is); null when it can. */
  blocked: ImportNote | null
}

export interface SourceConfig {
  path: string
  file: string
  text: string
  format: ImportFormat
  app: string
  /** The bridge's client-config snippet that replaces the servers on rewrite; null: no rewrite (.env). */
  client: ClientKind | null
  servers: SourceServer[]
  dotenv: DotenvEntry[]
  warnings: ImportNote[]
  json: { parsed: ParsedJson; servers: JsonNode } | null
}

const NOT_OBJECT = note('blocked_not_object', 'it is not an object (unknown shape, left as it is)')

const APP: Record<ImportFormat, string> = {
  claude: 'Claude Desktop',
  cursor: 'Cursor',
  lmstudio: 'LM Studio',
  'mcp-json': 'MCP client (mcpServers)',
  vscode: 'VS Code',
  'vscode-settings': 'VS Code (settings.json)',
  dotenv: '.env file',
}
const CLIENT: Record<ImportFormat, ClientKind | null> = {
  claude: 'claude',
  cursor: 'cursor',
  lmstudio: 'lmstudio',
  // An mcpServers file of an unknown app gets the URL form (Cursor's, which LM Studio follows too).
  'mcp-json': 'cursor',
  vscode: 'vscode',
  'vscode-settings': 'vscode',
  dotenv: null,
}

export function isDotenvName(file: string): boolean {
  return /^\.env(\..+)?$|\.env$/i.test(file)
}

/** Reads the text of one config file into servers (or variables), or says why it cannot. */
export function readSource(path: string, text: string): SourceConfig {
  const file = basename(path)
  const looksJson = /^\s*(\/\/|\/\*|[{[])/.test(text.replace(/^\ufeff/, ''))
  if (isDotenvName(file) || !looksJson) return readDotenv(path, file, text)

  const parsed = parseJsonc(text, file)
  const root = parsed.root
  if (root.type !== 'object') {
    throw new AppError(
      'INVALID_INPUT',
      `${file} is JSON but not an MCP client config: its top level is not an object.`,
    )
  }
  let format: ImportFormat
  let servers: JsonNode | undefined
  const mcpServers = member(root, 'mcpServers')
  const vsServers = member(root, 'servers')
  const mcpSetting = member(member(root, 'mcp')?.value, 'servers') ?? member(root, 'mcp.servers')
  if (mcpServers) {
    servers = mcpServers.value
    format = mcpServersApp(path)
  } else if (vsServers) {
    servers = vsServers.value
    format = 'vscode'
  } else if (mcpSetting) {
    servers = mcpSetting.value
    format = 'vscode-settings'
  } else {
    const keys = root.members.slice(0, 6).map((m) => `"${m.key}"`)
    throw new AppError(
      'INVALID_INPUT',
      `${file} is not a config Keybridge knows: it has no "mcpServers" (Claude Desktop, Cursor, LM Studio) and no "servers" (VS Code).` +
        (keys.length ? ` Its top-level keys are ${keys.join(', ')}.` : ' It is empty.'),
    )
  }
  if (servers.type !== 'object') {
    throw new AppError(
      'INVALID_INPUT',
      `${file}: the servers entry is not an object of named servers, so nothing was read.`,
    )
  }
  const warnings: ImportNote[] = []
  const vscode = format === 'vscode' || format === 'vscode-settings'
  if (!vscode && (parsed.comments || parsed.trailingCommas)) {
    const what = parsed.comments ? 'comments' : 'trailing commas'
    warnings.push(
      note(
        'lenient_json',
        `${file} has ${what}, which ${APP[format]} does not accept in this file; Keybridge read it anyway.`,
        { file, app: APP[format], what: parsed.comments ? 'comments' : 'trailing_commas' },
      ),
    )
  }
  if (vscode)
    warnings.push(
      ...inputNotes(
        member(format === 'vscode' ? root : (member(root, 'mcp')?.value ?? root), 'inputs')?.value,
      ),
    )
  const list = servers.members.map((m) =>
    vscode ? vscodeServer(m.key, m.value) : mcpServersServer(m.key, m.value, format),
  )
  return {
    path,
    file,
    text,
    format,
    app: APP[format],
    client: CLIENT[format],
    servers: list,
    dotenv: [],
    warnings,
    json: { parsed, servers },
  }
}

/** Claude Desktop, Cursor and LM Studio share the `mcpServers` shape: told apart by where the file lives. */
function mcpServersApp(path: string): ImportFormat {
  // A Keybridge backup (`<name>.bak-<date>`) is read as the file it was.
  const p = path
    .replace(/\\/g, '/')
    .toLowerCase()
    .replace(/\.bak-\d{8}-\d{6}(-\d+)?$/, '')
  if (p.endsWith('/claude_desktop_config.json') || p === 'claude_desktop_config.json') return 'claude'
  if (/(^|\/)\.cursor\//.test(p)) return 'cursor'
  if (/(^|\/)(\.lmstudio|lm ?studio)\//.test(p)) return 'lmstudio'
  return 'mcp-json'
}

function readDotenv(path: string, file: string, text: string): SourceConfig {
  const { entries, skipped } = parseDotenv(text)
  if (entries.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      `${file} is neither an MCP client config (JSON) nor a .env file with KEY=VALUE lines, so nothing was read.`,
    )
  }
  const lines = skipped.slice(0, 10).join(', ')
  const warnings = skipped.length
    ? [
        note(
          'dotenv_skipped',
          `${file}: line${skipped.length > 1 ? 's' : ''} ${lines} ${skipped.length > 1 ? 'are' : 'is'} not KEY=VALUE and ${skipped.length > 1 ? 'were' : 'was'} skipped.`,
          { file, lines, n: skipped.length },
        ),
      ]
    : []
  return {
    path,
    file,
    text,
    format: 'dotenv',
    app: APP.dotenv,
    client: null,
    servers: [],
    dotenv: entries,
    warnings,
    json: null,
  }
}

function blank(name: string, transport: SourceServer['transport']): SourceServer {
  return {
    name,
    transport,
    command: null,
    args: [],
    env: [],
    url: null,
    headers: [],
    notes: [],
    blocked: null,
  }
}

function strings(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null
}

/** A map of strings; numbers and booleans are taken as their text (the apps do the same for env). */
function stringMap(v: unknown): [string, string][] | null {
  if (v === undefined) return []
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const out: [string, string][] = []
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out.push([k, x])
    else if (typeof x === 'number' || typeof x === 'boolean') out.push([k, String(x)])
    else return null
  }
  return out
}

function fill(s: SourceServer, o: Record<string, unknown>): SourceServer {
  if (s.transport === 'stdio') {
    s.command = typeof o['command'] === 'string' ? o['command'] : null
    const args = o['args'] === undefined ? [] : strings(o['args'])
    const env = stringMap(o['env'])
    if (!s.command) s.blocked = note('blocked_command', 'its "command" is not a string')
    else if (!args) s.blocked = note('blocked_args', 'its "args" is not a list of strings')
    else if (!env) s.blocked = note('blocked_env', 'its "env" is not an object of strings')
    s.args = args ?? []
    s.env = env ?? []
    if (o['cwd'] !== undefined)
      s.blocked ??= note(
        'blocked_cwd',
        'it runs in a specific folder ("cwd"), which bridge upstream servers do not support',
      )
    if (o['envFile'] !== undefined)
      s.blocked ??= note('blocked_env_file', 'it loads an "envFile": import that .env file separately')
  } else {
    s.url = typeof o['url'] === 'string' ? o['url'] : null
    const headers = stringMap(o['headers'])
    if (!s.url) s.blocked = note('blocked_url', 'its "url" is not a string')
    else if (!headers) s.blocked = note('blocked_headers', 'its "headers" is not an object of strings')
    s.headers = headers ?? []
  }
  return s
}

function mcpServersServer(name: string, node: JsonNode, format: ImportFormat): SourceServer {
  const o = toValue(node)
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return { ...blank(name, 'stdio'), blocked: NOT_OBJECT }
  }
  const rec = o as Record<string, unknown>
  if (rec['command'] !== undefined) return fill(blank(name, 'stdio'), rec)
  if (rec['url'] !== undefined || rec['serverUrl'] !== undefined) {
    const s = fill(blank(name, rec['type'] === 'sse' || rec['transport'] === 'sse' ? 'sse' : 'http'), {
      ...rec,
      url: rec['url'] ?? rec['serverUrl'],
    })
    if (format === 'claude')
      s.notes.push(
        note('claude_command_only', 'Claude Desktop starts only command-based servers from this file.'),
      )
    return s
  }
  return {
    ...blank(name, 'stdio'),
    blocked: note(
      'blocked_unknown_shape',
      'it has neither "command" nor "url" (unknown shape, left as it is)',
    ),
  }
}

const VS_VARIABLE = /\$\{(?!input:)[^}]+\}/

function vscodeServer(name: string, node: JsonNode): SourceServer {
  const o = toValue(node)
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return { ...blank(name, 'stdio'), blocked: NOT_OBJECT }
  }
  const rec = o as Record<string, unknown>
  let type = rec['type']
  const notes: ImportNote[] = []
  if (type === undefined) {
    // VS Code itself starts such entries: a command means stdio, a URL means HTTP.
    const guessed = rec['command'] !== undefined ? 'stdio' : rec['url'] !== undefined ? 'http' : undefined
    type = guessed
    if (guessed)
      notes.push(
        note('vscode_type_guessed', `It has no "type"; VS Code treats it as ${guessed}.`, { type: guessed }),
      )
  }
  if (type !== 'stdio' && type !== 'http' && type !== 'sse') {
    return {
      ...blank(name, 'stdio'),
      blocked:
        type === undefined
          ? note('blocked_no_type', 'it has no "type", "command" or "url" (unknown shape, left as it is)')
          : note('blocked_bad_type', `its type "${String(type)}" is not stdio, http or sse (left as it is)`, {
              type: String(type),
            }),
    }
  }
  const s = fill(blank(name, type), rec)
  s.notes.push(...notes)
  // ${input:...} values are prompted by VS Code and never in the file; other variables only VS Code fills in.
  const texts = [
    s.command ?? '',
    ...s.args,
    s.url ?? '',
    ...s.env.map((e) => e[1]),
    ...s.headers.map((h) => h[1]),
  ]
  const inputs = texts.flatMap((t) => [...t.matchAll(/\$\{input:([^}]+)\}/g)].map((m) => m[1]))
  if (inputs.length) {
    const ids = [...new Set(inputs)].map((i) => `"${i}"`).join(', ')
    s.blocked ??= note(
      'blocked_vscode_input',
      `it asks VS Code for ${ids} at run time; that value is not in the file`,
      { ids },
    )
  }
  const variable = texts.map((t) => VS_VARIABLE.exec(t)?.[0]).find(Boolean)
  if (variable)
    s.blocked ??= note('blocked_vscode_variable', `it uses ${variable}, which only VS Code can fill in`, {
      variable,
    })
  return s
}

function inputNotes(node: JsonNode | undefined): ImportNote[] {
  if (!node || node.type !== 'array') return []
  const ids = node.items
    .map((n) => toValue(n) as { id?: unknown; password?: unknown })
    .filter((i) => typeof i?.id === 'string')
  if (ids.length === 0) return []
  const names = ids.map((i) => `"${String(i.id)}"`).join(', ')
  return [
    note(
      'vscode_inputs',
      `VS Code prompts for ${names} when a server starts: those values are not in the file, so there is nothing to import for them.`,
      { ids: names },
    ),
  ]
}

import { checkRemoteUrl } from '../bridge/upstream/remote/url-policy'
import { AppError } from '../../../shared/errors'
import { escapeTemplate, mentionsReference } from '../bridge/upstream/env-template'
import { reservedUpstreamName } from '../bridge/upstream/reserved-names'
import type {
  ImportEdits,
  ImportNote,
  PlannedCredential,
  PlannedServer,
  SecretSource,
} from '../../../shared/ipc/importConfig'
import { getServiceDescriptor, secretFieldKeys } from '../providers/catalog'
import { detectSecret, maskSecret, secretInArg, type Detected } from './detect'
import type { SourceConfig, SourceServer } from './formats'
import { addNote, note } from './notes'

/** One place a secret sits, and how its text is rebuilt around it (`Bearer {{secret}}`). */
interface Occurrence {
  source: SecretSource
  template: string
}

/** A planned credential with its value: stays in the main process, never crosses IPC. */
export interface CredentialDraft extends Omit<PlannedCredential, 'conflictCode'> {
  conflictCode: ImportNote | null
  value: string
  /** Non-secret fields (custom API: base URL, header name and template). */
  fields: Record<string, string>
  occurrences: Occurrence[]
  /** Named by the user: a clash is then a conflict, not silently numbered. */
  renamed?: boolean
}

export interface ServerDraft extends Omit<PlannedServer, 'conflictCode' | 'noteCodes'> {
  conflictCode: ImportNote | null
  noteCodes: ImportNote[]
  /** The environment the upstream gets: references for imported secrets, values otherwise. */
  upstreamEnv: Record<string, string>
  /** The original arguments (the plan shows them masked). */
  rawArgs: string[]
}

export interface Proposal {
  source: SourceConfig
  credentials: CredentialDraft[]
  servers: ServerDraft[]
  warnings: ImportNote[]
}

/** What already exists, to flag names that are taken. */
export interface Existing {
  credentialNames: (service: string) => string[]
  upstreamNames: string[]
}

const KEYBRIDGE_TOKEN = /Bearer\s+kb_[A-Za-z0-9_-]{43}/

function isKeybridgeEntry(s: SourceServer): boolean {
  if (s.name.toLowerCase() === 'keybridge') return true
  return [...s.env, ...s.headers].some(([, v]) => KEYBRIDGE_TOKEN.test(v))
}

export function upstreamSlug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '')
  return s || 'server'
}

function credentialSlug(name: string): string {
  const s = name
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64)
  return s || 'imported'
}

function firstFree(base: string, taken: (n: string) => boolean, max: number): string {
  if (!taken(base)) return base
  for (let n = 2; ; n++) {
    const suffix = `-${n}`
    const candidate = base.slice(0, max - suffix.length) + suffix
    if (!taken(candidate)) return candidate
  }
}

function credentialId(src: SecretSource): string {
  return src.location === 'dotenv' ? `dotenv:${src.key}` : `${src.server}:${src.location}:${src.key}`
}

function originOf(url: string | null): string | null {
  try {
    return url ? new URL(url).origin : null
  } catch {
    return null
  }
}

/**
 * Turns a read config into a proposal: every secret once (the same value in two servers is one
 * credential), each stdio server an upstream with references instead of values. Edits (names, which
 * items) are applied before names are checked, so preview and apply compute the same thing.
 */
export function buildProposal(source: SourceConfig, existing: Existing, edits?: ImportEdits): Proposal {
  const byValue = new Map<string, CredentialDraft>()
  const warnings = [...source.warnings]

  const found = (
    value: string,
    d: Detected,
    src: SecretSource,
    include: boolean,
    extraFields: Record<string, string> = {},
  ) => {
    let c = byValue.get(value)
    if (!c) {
      const service = d.service
      const descriptor = getServiceDescriptor(service)
      const field = descriptor ? (secretFieldKeys(descriptor)[0] ?? 'secret') : 'secret'
      c = {
        id: credentialId(src),
        service,
        serviceName: descriptor?.name ?? service,
        field,
        name: credentialSlug(src.location === 'dotenv' ? src.key.toLowerCase() : (src.server ?? 'imported')),
        include,
        masked: maskSecret(value),
        reason: d.reason.message,
        reasonCode: d.reason,
        sources: [],
        conflict: null,
        conflictCode: null,
        suggestedName: null,
        value,
        fields: service === 'custom' ? extraFields : {},
        occurrences: [],
      }
      byValue.set(value, c)
    } else {
      c.include ||= include
      if (c.service === 'custom' && d.service !== 'custom') {
        // A later, more telling occurrence (a token shape) names the service.
        const descriptor = getServiceDescriptor(d.service)
        c.service = d.service
        c.serviceName = descriptor?.name ?? d.service
        c.field = descriptor ? (secretFieldKeys(descriptor)[0] ?? 'secret') : 'secret'
        c.fields = {}
        c.reason = d.reason.message
        c.reasonCode = d.reason
      }
    }
    c.sources.push(src)
    c.occurrences.push({ source: src, template: d.template })
    return c
  }

  // Pass 1: what each server is and which secrets it holds.
  const servers: ServerDraft[] = []
  const serverSecrets = new Map<string, { env: Map<string, CredentialDraft>; headers: CredentialDraft[] }>()
  for (const s of source.servers) {
    const keybridge = isKeybridgeEntry(s)
    let blocked = s.blocked
    const argSecrets = keybridge ? [] : s.args.map(secretInArg)
    // #18: a URL server becomes a remote upstream only where Keybridge may connect to it.
    if (!blocked && !keybridge && s.transport !== 'stdio') blocked = remoteRefusal(s.url)
    if (!blocked && argSecrets.some(Boolean) && s.transport === 'stdio') {
      blocked = note(
        'blocked_arg_secret',
        'a secret is in its command-line arguments, and the bridge passes secrets only through the environment',
      )
    }
    const action: PlannedServer['action'] = keybridge
      ? 'keybridge'
      : blocked
        ? 'keep'
        : s.transport === 'stdio'
          ? 'upstream'
          : 'remote'
    const movable = action === 'upstream' || action === 'remote'
    const env = new Map<string, CredentialDraft>()
    const headers: CredentialDraft[] = []
    if (!keybridge) {
      for (const [k, v] of s.env) {
        const d = detectSecret(k, v, 'env')
        if (d) env.set(k, found(d.secret, d, { server: s.name, location: 'env', key: k }, movable))
      }
      for (const [k, v] of s.headers) {
        const d = detectSecret(k, v, 'header')
        if (!d) continue
        const origin = originOf(s.url)
        const fields: Record<string, string> = {
          headerName: k,
          headerTemplate: d.template,
          ...(origin ? { baseUrl: origin } : {}),
        }
        headers.push(found(d.secret, d, { server: s.name, location: 'header', key: k }, movable, fields))
      }
      s.args.forEach((a, idx) => {
        const secret = argSecrets[idx]
        if (!secret) return
        const d = detectSecret(`arg${idx}`, secret, 'env')
        if (d) found(d.secret, d, { server: s.name, location: 'arg', key: String(idx) }, false)
      })
    }
    serverSecrets.set(s.name, { env, headers })
    const notes = { notes: [] as string[], noteCodes: [] as ImportNote[] }
    for (const n of s.notes) addNote(notes, n)
    if (blocked)
      addNote(
        notes,
        note('left_in_app', `Left in ${source.app} as it is: ${blocked.message}.`, {
          ...blocked.params,
          app: source.app,
          blocked: blocked.code,
        }),
      )
    if (keybridge)
      addNote(
        notes,
        note(
          'keybridge_entry',
          'This is the Keybridge bridge itself: a rewrite replaces it with a fresh client token.',
        ),
      )
    if (action === 'remote') {
      addNote(
        notes,
        note(
          'remote_server',
          `A URL server: it becomes a remote upstream of the bridge${s.headers.length ? ', its headers sealed in the vault' : ''}, and a rewrite points ${source.app} at the bridge instead.`,
          { app: source.app, headers: s.headers.length ? 1 : 0 },
        ),
      )
    }
    servers.push({
      id: s.name,
      transport: s.transport,
      action,
      include: movable,
      upstreamName: action === 'upstream' || action === 'remote' ? upstreamSlug(s.name) : null,
      command: s.command,
      args: s.args.map((a, idx) =>
        argSecrets[idx] ? a.split(argSecrets[idx]!).join(maskSecret(argSecrets[idx]!)) : a,
      ),
      rawArgs: s.args,
      url: s.url,
      env: [],
      headers: s.headers.map(([k]) => k),
      credentials: [...new Set([...env.values(), ...headers].map((c) => c.id))],
      conflict: null,
      conflictCode: null,
      suggestedName: null,
      ...notes,
      upstreamEnv: {},
    })
  }
  for (const e of source.dotenv) {
    const d = detectSecret(e.key, e.value, 'env')
    const src: SecretSource = { server: null, location: 'dotenv', key: e.key }
    // Every variable is offered; the ones that do not look secret start unticked.
    if (d) found(d.secret, d, src, true)
    else if (e.value) {
      found(
        e.value,
        {
          secret: e.value,
          template: '{{secret}}',
          service: 'custom',
          reason: note('secret_plain', 'a variable (it does not look secret)'),
        },
        src,
        false,
      )
    }
  }

  const credentials = [...byValue.values()]
  applyEdits(credentials, servers, edits)
  nameCredentials(credentials, existing)
  nameServers(servers, existing)

  // Pass 2: the upstream environment, with references under the final names.
  for (const server of servers) {
    const s = source.servers.find((x) => x.name === server.id)!
    const secrets = serverSecrets.get(server.id)!
    for (const [k, v] of s.env) {
      const c = secrets.env.get(k)
      if (c?.include) {
        const template =
          c.occurrences.find((o) => o.source.server === server.id && o.source.key === k)?.template ??
          '{{secret}}'
        const ref = template.replace('{{secret}}', `{{credential:${c.service}/${c.name}.${c.field}}}`)
        server.env.push({ key: k, kind: 'reference', value: ref })
        server.upstreamEnv[k] = ref
      } else if (mentionsReference(v)) {
        // The file names a vault secret: kept as the literal text, never resolved (a config from
        // someone else must not choose which of your secrets its server receives).
        server.env.push({ key: k, kind: 'literal', value: v })
        server.upstreamEnv[k] = escapeTemplate(v)
        warnings.push(
          note(
            'literal_reference',
            `${server.id}: ${k} holds a Keybridge reference (${v}) written in the file. It is kept as literal text and never resolved: a config file cannot choose which vault secret its server receives. Set it with "keybridge upstream add" yourself if you meant it.`,
            { server: server.id, key: k, value: v },
          ),
        )
      } else {
        server.env.push({ key: k, kind: 'literal', value: c ? maskSecret(v) : v })
        server.upstreamEnv[k] = v
      }
    }
  }
  for (const c of credentials) {
    if (!c.include && c.sources.some((s) => s.location === 'arg')) {
      warnings.push(
        note(
          'secret_in_args',
          `${c.sources[0].server}: a secret (${c.masked}) is in its command-line arguments; it stays in ${source.app} unless you move it to "env" first.`,
          { server: c.sources[0].server ?? '', masked: c.masked, app: source.app },
        ),
      )
    }
  }
  return { source, credentials, servers, warnings }
}

/** Why Keybridge will not connect to a URL server (not https, not loopback), or null. */
function remoteRefusal(url: string | null): ImportNote | null {
  try {
    checkRemoteUrl(url ?? '')
    return null
  } catch (e) {
    return note(
      'blocked_remote_url',
      e instanceof AppError ? e.message.replace(/\.$/, '') : 'its URL is not usable',
      e instanceof AppError ? { errorCode: e.code } : {},
    )
  }
}

function applyEdits(credentials: CredentialDraft[], servers: ServerDraft[], edits?: ImportEdits): void {
  if (!edits) return
  for (const e of edits.credentials) {
    const c = credentials.find((x) => x.id === e.id)
    if (!c) throw new AppError('CONFLICT', `The file no longer has the secret "${e.id}": preview it again.`)
    if (e.name !== undefined) {
      c.name = e.name
      c.renamed = true
    }
    if (e.include !== undefined) c.include = e.include
  }
  for (const e of edits.servers) {
    const s = servers.find((x) => x.id === e.id)
    if (!s) throw new AppError('CONFLICT', `The file no longer has the server "${e.id}": preview it again.`)
    if (e.include !== undefined) {
      if (e.include && s.action !== 'upstream' && s.action !== 'remote') {
        throw new AppError(
          'INVALID_INPUT',
          `"${s.id}" cannot be imported: ${s.notes.at(-1) ?? 'see the preview'}`,
        )
      }
      s.include = e.include
    }
    if (e.name !== undefined) {
      if (s.action !== 'upstream' && s.action !== 'remote')
        throw new AppError(
          'INVALID_INPUT',
          `"${s.id}" does not become an upstream server, so it has no name to change.`,
        )
      s.upstreamName = e.name
    }
  }
}

/** Names are unique per service, case-insensitively, against the vault and within the plan. */
function nameCredentials(credentials: CredentialDraft[], existing: Existing): void {
  const planned = new Map<string, Set<string>>()
  const vault = new Map<string, Set<string>>()
  const inVault = (service: string) => {
    let set = vault.get(service)
    if (!set)
      vault.set(service, (set = new Set(existing.credentialNames(service).map((n) => n.toLowerCase()))))
    return set
  }
  for (const c of credentials) {
    if (!c.include) continue
    const mine = planned.get(c.service) ?? new Set<string>()
    planned.set(c.service, mine)
    const lower = c.name.toLowerCase()
    const taken = (n: string) => inVault(c.service).has(n.toLowerCase()) || mine.has(n.toLowerCase())
    if (inVault(c.service).has(lower)) {
      conflict(
        c,
        note(
          'credential_exists',
          `There is already a ${c.serviceName} credential named "${c.name}" in the vault.`,
          { service: c.serviceName, name: c.name },
        ),
      )
    } else if (mine.has(lower) && c.renamed) {
      conflict(
        c,
        note(
          'credential_twice',
          `Two ${c.serviceName} credentials of this import would both be named "${c.name}".`,
          { service: c.serviceName, name: c.name },
        ),
      )
    } else if (mine.has(lower)) {
      // Two secrets of one server for the same service: number them.
      c.name = firstFree(c.name, taken, 64)
    }
    if (c.conflict) c.suggestedName = firstFree(c.name, taken, 64)
    mine.add(c.name.toLowerCase())
  }
}

function conflict(item: { conflict: string | null; conflictCode: ImportNote | null }, n: ImportNote): void {
  item.conflict = n.message
  item.conflictCode = n
}

function nameServers(servers: ServerDraft[], existing: Existing): void {
  const vault = new Set(existing.upstreamNames)
  const mine = new Set<string>()
  for (const s of servers) {
    if ((s.action !== 'upstream' && s.action !== 'remote') || !s.include || !s.upstreamName) continue
    const taken = (n: string) => vault.has(n) || mine.has(n) || reservedUpstreamName(n)
    if (reservedUpstreamName(s.upstreamName)) {
      // A server called like a built-in source ("github") would share its tools' identities.
      const was = s.upstreamName
      s.upstreamName = `${was}-mcp`.slice(0, 40)
      addNote(
        s,
        note(
          'reserved_name',
          `Named "${s.upstreamName}" in Keybridge: "${was}" is the name of Keybridge's own ${was} tools.`,
          { name: s.upstreamName, was },
        ),
      )
    }
    if (vault.has(s.upstreamName)) {
      conflict(
        s,
        note('upstream_exists', `There is already an upstream server named "${s.upstreamName}".`, {
          name: s.upstreamName,
        }),
      )
      s.suggestedName = firstFree(s.upstreamName, taken, 40)
    } else if (mine.has(s.upstreamName)) {
      s.upstreamName = firstFree(s.upstreamName, taken, 40)
    }
    mine.add(s.upstreamName)
  }
}

/** Throws one readable CONFLICT listing every taken name, with the names that are free. */
export function assertNoConflicts(p: Proposal): void {
  const lines = [
    ...p.credentials
      .filter((c) => c.include && c.conflict)
      .map((c) => `${c.conflict} Rename it (e.g. "${c.suggestedName}") or leave it out.`),
    ...p.servers
      .filter((s) => s.include && s.conflict)
      .map((s) => `${s.conflict} Rename it (e.g. "${s.suggestedName}") or leave it out.`),
  ]
  if (lines.length) throw new AppError('CONFLICT', `Nothing was imported. ${lines.join(' ')}`)
}

/** Every secret value of the proposal, for masking diffs. */
export function secretValues(p: Proposal): string[] {
  return p.credentials.map((c) => c.value)
}

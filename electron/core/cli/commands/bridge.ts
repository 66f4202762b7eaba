import {
  ClientKind,
  PermissionLevel,
  toolBudgetWarnings,
  type ToolInfo,
  type TokenSummary,
  type UpstreamSummary,
} from '../../../../shared/ipc/bridge'
import { UsageError, type CliContext, type CommandSpec } from '../spec'
import { invokeAsCli } from '../invoke'
import { parseQuotas, QUOTA_OPTIONS } from './observability'
import {
  addHomeAssistantUpstream,
  addRemoteUpstream,
  REMOTE_ADD_OPTIONS,
  remoteState,
  remoteUpstreamCommands,
} from './bridge-remote'

const call = invokeAsCli

const date = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'))

/** `30d`, `12w`, `1y` or `never` → whole days. */
export function parseExpiry(raw: string | undefined): number | null {
  if (raw === undefined || raw === 'never') return null
  const m = /^(\d+)\s*([dwy])$/i.exec(raw.trim())
  if (!m) throw new UsageError('--expires takes a duration such as 30d, 12w or 1y (or "never")')
  const days = Number(m[1]) * { d: 1, w: 7, y: 365 }[m[2].toLowerCase() as 'd' | 'w' | 'y']
  if (days < 1 || days > 3650) throw new UsageError('--expires must be between 1 day and 10 years')
  return days
}

function table(rows: string[][]): string {
  if (rows.length === 0) return ''
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

function tokenLines(tokens: TokenSummary[]): string {
  if (tokens.length === 0) return 'No client tokens. Create one with "keybridge token create --name <app>".'
  const lines = table([
    ['NAME', 'TOKEN', 'STATUS', 'SCOPES', 'EXPIRES', 'LAST USED', 'USES', 'QUOTA DAY/MONTH', 'TOOLS'],
    ...tokens.map((t) => [
      t.name,
      t.display,
      t.status,
      t.scopes.length ? t.scopes.join(',') : '*',
      date(t.expiresAt),
      date(t.lastUsedAt),
      String(t.useCount),
      t.dailyQuota === null && t.monthlyQuota === null
        ? '-'
        : `${t.dailyQuota ?? '-'}/${t.monthlyQuota ?? '-'}`,
      t.toolCount === null || t.toolCount === undefined ? '-' : String(t.toolCount),
    ]),
  ])
  const warnings = tokens
    .filter((t) => t.status === 'active' && typeof t.toolCount === 'number')
    .flatMap((t) => toolBudgetWarnings(t.toolCount!).map((w) => `warning: "${t.name}": ${w}`))
  return [lines, ...warnings].join('\n')
}

function toolLines(tools: ToolInfo[]): string {
  if (tools.length === 0)
    return 'No tools yet: add credentials, Home Assistant instances or upstream servers.'
  const lines = table([
    ['TOOL', 'ID', 'SOURCE', 'NEEDS', 'LEVEL', 'ASK', ''],
    ...tools.map((t) => [
      t.name,
      t.id,
      t.source,
      t.requiredLevel,
      t.level,
      t.ask ? 'ask' : '-',
      t.available ? '' : '(not running)',
    ]),
  ])
  const notes = tools.filter((t) => t.note).map((t) => `note: ${t.id} is listed as ${t.name}: ${t.note}`)
  return [lines, ...notes].join('\n')
}

function upstreamLines(list: UpstreamSummary[]): string {
  if (list.length === 0)
    return 'No upstream servers. Add one with "keybridge upstream add --name N --command C" (or --url URL).'
  const keys = (entries: UpstreamSummary['env']) =>
    entries.map((e) => (e.kind === 'reference' ? `${e.key}=${e.reference}` : `${e.key}=•••`)).join(' ') || '-'
  const lines = table([
    ['NAME', 'COMMAND', 'ENV', 'TOOLS', 'ENABLED', 'HINTS', 'STATE'],
    ...list.map((u) => [
      u.name,
      // #18: a remote server shows its URL and transport, its headers (values never) and sign-in state.
      u.remote ? `${u.remote.url} (${u.remote.transport})` : [u.command, ...u.args].join(' '),
      keys(u.remote ? u.remote.headers : u.env),
      String(u.toolCount),
      u.enabled ? 'yes' : 'no',
      u.trustHints ? 'trusted' : 'ask',
      remoteState(u),
    ]),
  ])
  const notes = list.flatMap((u) => u.notes.map((n) => `note: ${u.name}: ${n}`))
  return [lines, ...notes].join('\n')
}

function arg(ctx: CliContext, i: number): string {
  return ctx.positionals[i]
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []
}

export const bridgeCommands: CommandSpec[] = [
  {
    name: 'token create',
    summary: 'create a bridge client token (printed once)',
    options: {
      name: { type: 'string', description: 'the app it is for, e.g. "LM Studio"' },
      scope: {
        type: 'string',
        multiple: true,
        description:
          'limit to tools whose identity matches a pattern, e.g. homeassistant/* or github/api_read',
      },
      expires: { type: 'string', description: 'lifetime: 30d, 12w, 1y or never (default never)' },
      ...QUOTA_OPTIONS,
    },
    async run(ctx) {
      const name = ctx.values['name'] as string | undefined
      if (!name) throw new UsageError('token create needs --name')
      const quotas = parseQuotas(ctx)
      // A token row is signed with the vault key: creating one needs the vault open.
      const core = await ctx.openCore({ unlock: true })
      const created = await call(core, 'bridge.tokens.create', {
        name,
        scopes: strings(ctx.values['scope']),
        expiresInDays: parseExpiry(ctx.values['expires'] as string | undefined),
        ...quotas,
      })
      ctx.print(
        [
          `Created the client token "${created.summary.name}". Copy it now: it is not shown again.`,
          '',
          created.token,
        ].join('\n'),
        created,
      )
    },
  },
  {
    name: 'token list',
    summary: 'client tokens: prefix and last 4, scopes, expiry, last use, how many tools each sees',
    async run(ctx) {
      const core = await ctx.openCore()
      const tokens = await call(core, 'bridge.tokens.list', undefined)
      ctx.print(tokenLines(tokens), tokens)
    },
  },
  {
    name: 'token revoke',
    summary: 'revoke a client token (effective at its next request)',
    usage: '<name>',
    positionals: [1, 1],
    async run(ctx) {
      const core = await ctx.openCore()
      const t = await call(core, 'bridge.tokens.revoke', { name: arg(ctx, 0) })
      ctx.print(`Revoked "${t.name}" (${t.display}).`, t)
    },
  },
  {
    name: 'tool list',
    summary: 'bridge tools (name clients see, identity) with the level they need, their permission and "ask"',
    async run(ctx) {
      const core = await ctx.openCore()
      const tools = await call(core, 'bridge.tools.list', undefined)
      ctx.print(toolLines(tools), tools)
    },
  },
  {
    name: 'tool set',
    summary: 'set a tool to off, read, write or execute, optionally asking first',
    usage: '<tool name or identity> off|read|write|execute',
    positionals: [2, 2],
    options: {
      ask: { type: 'boolean', description: 'ask for approval before each call' },
      'no-ask': { type: 'boolean', description: 'do not ask' },
    },
    async run(ctx) {
      const level = PermissionLevel.safeParse(arg(ctx, 1))
      if (!level.success) throw new UsageError('the level is one of off, read, write, execute')
      if (ctx.values['ask'] && ctx.values['no-ask'])
        throw new UsageError('--ask and --no-ask contradict each other')
      const ask = ctx.values['ask'] ? true : ctx.values['no-ask'] ? false : undefined
      // Permission rows are signed with the vault key: changing one needs the vault open.
      const core = await ctx.openCore({ unlock: true })
      const t = await call(core, 'bridge.tools.set', { tool: arg(ctx, 0), level: level.data, ask })
      ctx.print(`${t.name}: ${t.level}${t.ask ? ', ask first' : ''} (needs ${t.requiredLevel}).`, t)
    },
  },
  {
    name: 'upstream add',
    summary:
      'add an upstream MCP server: stdio (--command) or remote (--url); env and header values may be {{credential:service/name.field}}',
    options: {
      ...REMOTE_ADD_OPTIONS,
      name: {
        type: 'string',
        description: 'short name; its tools become <name>_<tool> (identity <name>/<tool>)',
      },
      command: { type: 'string', description: 'the program to start' },
      arg: { type: 'string', multiple: true, description: 'one argument (repeat for more)' },
      env: { type: 'string', multiple: true, description: 'KEY=VALUE for its environment (repeat for more)' },
      'per-client': {
        type: 'boolean',
        description: 'one process per client session (servers that keep per-user state: browsers, shells)',
      },
      'max-call-seconds': {
        type: 'string',
        description: 'the longest one call may run, even while it reports progress (default 600)',
      },
    },
    async run(ctx) {
      const name = ctx.values['name'] as string | undefined
      const command = ctx.values['command'] as string | undefined
      if (ctx.values['home-assistant']) return addHomeAssistantUpstream(ctx, name)
      if (name && ctx.values['url']) return addRemoteUpstream(ctx, name)
      if (!name || !command) throw new UsageError('upstream add needs --name and --command (or --url)')
      const env: Record<string, string> = {}
      for (const kv of strings(ctx.values['env'])) {
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new UsageError(`--env takes KEY=VALUE (got a value without "=")`)
        env[kv.slice(0, eq)] = kv.slice(eq + 1)
      }
      const rawMax = ctx.values['max-call-seconds'] as string | undefined
      const maxCallSeconds = rawMax === undefined ? undefined : Number(rawMax)
      if (
        maxCallSeconds !== undefined &&
        !(Number.isInteger(maxCallSeconds) && maxCallSeconds >= 1 && maxCallSeconds <= 86_400)
      )
        throw new UsageError('--max-call-seconds takes a whole number of seconds from 1 to 86400')
      // The environment is sealed with the vault key, so the vault must be open.
      const core = await ctx.openCore({ unlock: true })
      const u = await call(core, 'bridge.upstream.add', {
        name,
        command,
        args: strings(ctx.values['arg']),
        env,
        perSession: ctx.values['per-client'] === true,
        ...(maxCallSeconds !== undefined ? { maxCallSeconds } : {}),
      })
      ctx.print(
        [
          `Added the upstream server "${u.name}". It starts with the bridge ("keybridge serve").`,
          ...u.notes.map((n) => `note: ${n}`),
        ].join('\n'),
        u,
      )
    },
  },
  {
    name: 'upstream list',
    summary: 'upstream MCP servers (environment values are never shown)',
    async run(ctx) {
      const core = await ctx.openCore()
      const list = await call(core, 'bridge.upstream.list', undefined)
      ctx.print(upstreamLines(list), list)
    },
  },
  ...(['enable', 'disable'] as const).map((verb) => ({
    name: `upstream ${verb}`,
    summary:
      verb === 'enable'
        ? 'start an upstream server with the bridge (imported servers arrive disabled)'
        : 'stop an upstream server and keep it from starting',
    usage: '<name>',
    positionals: [1, 1] as [number, number],
    async run(ctx: CliContext) {
      // The row is signed with the vault key: the vault must be open.
      const core = await ctx.openCore({ unlock: true })
      const u = await call(core, 'bridge.upstream.setEnabled', {
        name: arg(ctx, 0),
        enabled: verb === 'enable',
      })
      ctx.print(
        verb === 'enable'
          ? `Enabled the upstream server "${u.name}" (${[u.command, ...u.args].join(' ')}). It starts with the bridge.`
          : `Disabled the upstream server "${u.name}".`,
        u,
      )
    },
  })),
  {
    name: 'upstream trust',
    summary:
      "trust an upstream server's annotations (read-only tools then run without asking); --untrust undoes it",
    usage: '<name>',
    positionals: [1, 1],
    options: {
      untrust: { type: 'boolean', description: 'stop trusting them: every tool of the server asks again' },
    },
    async run(ctx) {
      const trusted = !ctx.values['untrust']
      const core = await ctx.openCore()
      const u = await call(core, 'bridge.upstream.trust', { name: arg(ctx, 0), trusted })
      ctx.print(
        trusted
          ? `Trusted the annotations of "${u.name}": its tools marked read-only run without asking; the others still ask.`
          : `No longer trusting the annotations of "${u.name}": each of its tools asks until you set it ("keybridge tool set").`,
        u,
      )
    },
  },
  {
    name: 'upstream rm',
    summary: 'remove an upstream server',
    usage: '<name>',
    positionals: [1, 1],
    async run(ctx) {
      const core = await ctx.openCore()
      await call(core, 'bridge.upstream.remove', { name: arg(ctx, 0) })
      ctx.print(`Removed the upstream server "${arg(ctx, 0)}".`, { ok: true, name: arg(ctx, 0) })
    },
  },
  ...remoteUpstreamCommands,
  {
    name: 'client-config',
    summary:
      'print the config snippet for an app: reuses the token given with --token, else creates a new one (never revokes)',
    usage: '<lmstudio|cursor|claude|vscode> --token-name N [--token -]',
    positionals: [1, 1],
    options: {
      'token-name': { type: 'string', description: 'the client token the app uses' },
      token: {
        type: 'string',
        description:
          'its value, shown at "token create"; "-" reads it from stdin (else a new token is created)',
      },
    },
    async run(ctx) {
      const client = ClientKind.safeParse(arg(ctx, 0))
      if (!client.success) throw new UsageError('client-config takes lmstudio, cursor, claude or vscode')
      const tokenName = ctx.values['token-name'] as string | undefined
      if (!tokenName) throw new UsageError('client-config needs --token-name')
      let token = ctx.values['token'] as string | undefined
      const core = await ctx.openCore()
      if (token === '-') token = await ctx.stdinLine('--token -')
      const r = await call(core, 'bridge.clientConfig', { client: client.data, tokenName, token })
      if (!ctx.json) {
        ctx.io.err(
          r.minted
            ? `${r.fileHint}. Created the client token "${r.summary.name}" for it${r.summary.name !== tokenName ? ` ("${tokenName}" exists and keeps working; revoke it with keybridge token revoke "${tokenName}" if nothing uses it)` : ''}.`
            : `${r.fileHint}. Uses the existing token "${r.summary.name}".`,
        )
        for (const w of r.warnings) ctx.io.err(`warning: ${w}`)
      }
      ctx.print(r.snippet, r)
    },
  },
]

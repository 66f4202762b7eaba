import {
  ClientKind,
  PermissionLevel,
  type ToolInfo,
  type TokenSummary,
  type UpstreamSummary,
} from '../../../../shared/ipc/bridge'
import { getBridge } from '../../bridge/feature'
import { UsageError, type CliContext, type CommandSpec } from '../spec'
import { invokeAsCli } from '../invoke'

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
  return table([
    ['NAME', 'TOKEN', 'STATUS', 'SCOPES', 'EXPIRES', 'LAST USED', 'USES'],
    ...tokens.map((t) => [
      t.name,
      t.display,
      t.status,
      t.scopes.length ? t.scopes.join(',') : '*',
      date(t.expiresAt),
      date(t.lastUsedAt),
      String(t.useCount),
    ]),
  ])
}

function toolLines(tools: ToolInfo[]): string {
  if (tools.length === 0)
    return 'No tools yet: add credentials, Home Assistant instances or upstream servers.'
  return table([
    ['TOOL', 'SOURCE', 'NEEDS', 'LEVEL', 'ASK', ''],
    ...tools.map((t) => [
      t.name,
      t.source,
      t.requiredLevel,
      t.level,
      t.ask ? 'ask' : '-',
      t.available ? '' : '(not running)',
    ]),
  ])
}

function upstreamLines(list: UpstreamSummary[]): string {
  if (list.length === 0)
    return 'No upstream servers. Add one with "keybridge upstream add --name N --command C".'
  return table([
    ['NAME', 'COMMAND', 'ENV', 'TOOLS', 'ENABLED'],
    ...list.map((u) => [
      u.name,
      [u.command, ...u.args].join(' '),
      u.env.map((e) => (e.kind === 'reference' ? `${e.key}=${e.reference}` : `${e.key}=•••`)).join(' ') ||
        '-',
      String(u.toolCount),
      u.enabled ? 'yes' : 'no',
    ]),
  ])
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
        description: 'limit to tools matching a pattern, e.g. homeassistant.*',
      },
      expires: { type: 'string', description: 'lifetime: 30d, 12w, 1y or never (default never)' },
    },
    async run(ctx) {
      const name = ctx.values['name'] as string | undefined
      if (!name) throw new UsageError('token create needs --name')
      // A token row is signed with the vault key: creating one needs the vault open.
      const core = await ctx.openCore({ unlock: true })
      const created = await call(core, 'bridge.tokens.create', {
        name,
        scopes: strings(ctx.values['scope']),
        expiresInDays: parseExpiry(ctx.values['expires'] as string | undefined),
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
    summary: 'client tokens: prefix and last 4, scopes, expiry, last use',
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
    summary: 'bridge tools with the level they need, their permission and "ask"',
    async run(ctx) {
      const core = await ctx.openCore()
      const tools = await call(core, 'bridge.tools.list', undefined)
      ctx.print(toolLines(tools), tools)
    },
  },
  {
    name: 'tool set',
    summary: 'set a tool to off, read, write or execute, optionally asking first',
    usage: '<tool> off|read|write|execute',
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
    summary: 'add an upstream stdio MCP server (env values may be {{credential:service/name.field}})',
    options: {
      name: { type: 'string', description: 'short name; its tools become <name>.<tool>' },
      command: { type: 'string', description: 'the program to start' },
      arg: { type: 'string', multiple: true, description: 'one argument (repeat for more)' },
      env: { type: 'string', multiple: true, description: 'KEY=VALUE for its environment (repeat for more)' },
    },
    async run(ctx) {
      const name = ctx.values['name'] as string | undefined
      const command = ctx.values['command'] as string | undefined
      if (!name || !command) throw new UsageError('upstream add needs --name and --command')
      const env: Record<string, string> = {}
      for (const kv of strings(ctx.values['env'])) {
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new UsageError(`--env takes KEY=VALUE (got a value without "=")`)
        env[kv.slice(0, eq)] = kv.slice(eq + 1)
      }
      // The environment is sealed with the vault key, so the vault must be open.
      const core = await ctx.openCore({ unlock: true })
      const u = await call(core, 'bridge.upstream.add', {
        name,
        command,
        args: strings(ctx.values['arg']),
        env,
      })
      ctx.print(`Added the upstream server "${u.name}". It starts with the bridge ("keybridge serve").`, u)
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
  {
    name: 'client-config',
    summary:
      'print the config snippet for an app (mints a fresh token for that name unless --token is given)',
    usage: '<lmstudio|cursor|claude|vscode>',
    positionals: [1, 1],
    options: {
      'token-name': { type: 'string', description: 'the client token the app uses (created if missing)' },
      token: {
        type: 'string',
        description: 'its current value, if you still have it (otherwise a new one is minted)',
      },
    },
    async run(ctx) {
      const client = ClientKind.safeParse(arg(ctx, 0))
      if (!client.success) throw new UsageError('client-config takes lmstudio, cursor, claude or vscode')
      const tokenName = ctx.values['token-name'] as string | undefined
      if (!tokenName) throw new UsageError('client-config needs --token-name')
      // It may mint a token, whose row is signed with the vault key.
      const core = await ctx.openCore({ unlock: true })
      const r = await call(core, 'bridge.clientConfig', {
        client: client.data,
        tokenName,
        token: ctx.values['token'] as string | undefined,
      })
      if (!ctx.json) {
        ctx.io.err(
          `${r.fileHint}.${r.minted ? ` A fresh token was minted for "${r.summary.name}"; any older value of it stops working.` : ''}`,
        )
      }
      ctx.print(r.snippet, r)
    },
  },
  {
    name: 'serve',
    summary: 'run the vault and the MCP bridge until SIGINT/SIGTERM',
    options: {
      port: { type: 'string', description: 'port (default: the configured one, 3003)' },
      host: { type: 'string', description: 'address to bind (default 127.0.0.1)' },
      'approve-all': {
        type: 'boolean',
        description: 'run tools marked "ask" without asking (headless has no prompt)',
      },
    },
    async run(ctx) {
      const rawPort = ctx.values['port'] as string | undefined
      const port = rawPort === undefined ? undefined : Number(rawPort)
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new UsageError('--port takes a number from 0 to 65535')
      }
      const core = await ctx.openCore({ unlock: true })
      const bridge = getBridge(core.ctx)
      const approvalMode = ctx.values['approve-all'] ? 'approve_all' : 'deny'
      const status = await bridge.start({
        host: ctx.values['host'] as string | undefined,
        port,
        approvalMode,
      })
      const tools = (await bridge.registry.tools()).size
      ctx.print(
        [
          `Keybridge bridge listening on ${status.url}`,
          `${tools} tools; ${approvalMode === 'deny' ? 'tools marked "ask" are denied (no prompt headless; --approve-all allows them)' : 'tools marked "ask" run without asking (--approve-all)'}.`,
          'Press Ctrl+C to stop.',
        ].join('\n'),
        { ...status, tools },
      )
      await new Promise<void>((resolve) => {
        const done = () => {
          process.off('SIGINT', done)
          process.off('SIGTERM', done)
          resolve()
        }
        process.on('SIGINT', done)
        process.on('SIGTERM', done)
      })
      // Closing the core stops the bridge: sessions, upstream children, then the database.
      await bridge.stop()
      if (!ctx.json) ctx.io.err('Keybridge bridge stopped.')
    },
  },
]

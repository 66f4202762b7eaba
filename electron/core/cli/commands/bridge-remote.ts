import { AppError } from '../../../../shared/errors'
import type { UpstreamSummary } from '../../../../shared/ipc/bridge'
import type { ProbeResult } from '../../../../shared/ipc/bridgeRemote'
import { referencesIn, resolveTemplate } from '../../bridge/upstream/env-template'
import type { SignInFlow } from '../../bridge/upstream/remote/sign-in'
import { checkRemoteUrl } from '../../bridge/upstream/remote/url-policy'
import { readSecretFile } from '../io'
import { invokeAsCli } from '../invoke'
import { UsageError, type CliContext, type CommandSpec, type OptionSpec } from '../spec'

// #18: remote (URL) upstreams on the command line: add --url, login, probe. The SDK's client and
// the bridge load only when one of these commands runs (`keybridge --help` stays light).

/** The issue's 5 minutes (sign-in.ts has the same; not imported so the SDK is not loaded for --help). */
const SIGN_IN_TIMEOUT_MS = 5 * 60_000

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []

export const REMOTE_ADD_OPTIONS: Record<string, OptionSpec> = {
  url: {
    type: 'string',
    description: 'a remote MCP server (https; http only on loopback or with --allow-http)',
  },
  transport: {
    type: 'string',
    description: 'streamable-http (default) or sse (the legacy HTTP+SSE transport)',
  },
  header: {
    type: 'string',
    multiple: true,
    description: "'Name=Value' sent to the remote server; Value may be {{credential:service/name.field}}",
  },
  'header-file': {
    type: 'string',
    multiple: true,
    description: "'Name=PATH': that header's value from a file",
  },
  'allow-http': { type: 'boolean', description: 'allow plain http to this (LAN) host on purpose' },
  'client-id': {
    type: 'string',
    description: 'an OAuth client registered beforehand (else automatic registration)',
  },
  'client-secret-file': { type: 'string', description: "that client's secret, from a file" },
  'home-assistant': {
    type: 'string',
    description: "a Home Assistant instance's own MCP server (/api/mcp), with its stored token",
  },
}

/** `upstream add --home-assistant INSTANCE [--name N]`: one step, the token stays the instance's. */
export async function addHomeAssistantUpstream(ctx: CliContext, name: string | undefined): Promise<void> {
  const core = await ctx.openCore({ unlock: true })
  const u = await invokeAsCli(core, 'bridge.upstream.addHomeAssistant', {
    instance: ctx.values['home-assistant'] as string,
    name,
  })
  ctx.print(
    `Added "${u.name}": Home Assistant's MCP server at ${u.remote?.url}, signed in with the instance's token.`,
    u,
  )
}

/** `Name=Value` (or `Name: Value`) pairs; values from files for --header-file. */
export function parseHeaders(ctx: CliContext): Record<string, string> {
  const out: Record<string, string> = {}
  for (const kv of strings(ctx.values['header'])) {
    const m = /^([^=:\s]+)\s*[=:]\s?(.*)$/s.exec(kv)
    if (!m) throw new UsageError(`--header takes 'Name=Value' (got "${kv.split(/[=:]/)[0]}")`)
    out[m[1]] = m[2]
  }
  for (const kv of strings(ctx.values['header-file'])) {
    const eq = kv.indexOf('=')
    if (eq <= 0) throw new UsageError("--header-file takes 'Name=PATH'")
    try {
      out[kv.slice(0, eq)] = readSecretFile(kv.slice(eq + 1))
    } catch {
      throw new AppError('IO_ERROR', `The header file ${kv.slice(eq + 1)} could not be read.`)
    }
  }
  return out
}

function transportOf(ctx: CliContext): 'streamable-http' | 'sse' | undefined {
  const t = ctx.values['transport'] as string | undefined
  if (t === undefined) return undefined
  if (t !== 'streamable-http' && t !== 'sse')
    throw new UsageError('--transport must be one of streamable-http, sse')
  return t
}

/** `upstream add --url …`: called by the upstream add command when --url is given. */
export async function addRemoteUpstream(ctx: CliContext, name: string): Promise<void> {
  const url = ctx.values['url'] as string
  if (ctx.values['command']) throw new UsageError('upstream add takes either --command or --url, not both')
  const secretFile = ctx.values['client-secret-file'] as string | undefined
  let clientSecret: string | undefined
  if (secretFile) {
    try {
      clientSecret = readSecretFile(secretFile)
    } catch {
      throw new AppError('IO_ERROR', `The client secret file ${secretFile} could not be read.`)
    }
  }
  const headers = parseHeaders(ctx)
  // Headers and grants are sealed with the vault key, so the vault must be open.
  const core = await ctx.openCore({ unlock: true })
  const u = await invokeAsCli(core, 'bridge.upstream.addRemote', {
    name,
    url,
    transport: transportOf(ctx) ?? 'streamable-http',
    headers,
    allowHttp: Boolean(ctx.values['allow-http']),
    clientId: ctx.values['client-id'] as string | undefined,
    clientSecret,
  })
  ctx.print(
    `Added the remote server "${u.name}" (${u.remote?.url}). If it asks for OAuth, run "keybridge upstream login ${u.name}".`,
    u,
  )
}

/** The STATE cell of `upstream list` for a remote server: sign-in state and grant expiry. */
export function remoteState(u: UpstreamSummary): string {
  const r = u.remote
  if (!r) return u.state
  const auth =
    r.auth === 'needs_sign_in'
      ? 'needs sign-in'
      : r.auth === 'signed_in'
        ? `signed in${r.grantExpiresAt ? ` (token until ${new Date(r.grantExpiresAt).toISOString().replace(/\.\d+Z$/, 'Z')})` : ''}`
        : ''
  const conn =
    u.state === 'running'
      ? 'connected'
      : u.state === 'needs_sign_in'
        ? ''
        : u.state === 'backoff' || u.state === 'broken'
          ? `unreachable${u.lastError ? `: ${u.lastError}` : ''}`
          : ''
  return [conn, auth].filter(Boolean).join(', ') || u.state
}

async function waitForSignIn(ctx: CliContext, flow: SignInFlow, what: string): Promise<void> {
  ctx.io.err(`To sign in to ${what}, open this URL in your browser:\n\n  ${flow.authorizeUrl}\n`)
  const { openInBrowser } = await import('../../bridge/upstream/remote/opener')
  const opened = await openInBrowser(flow.authorizeUrl, ctx.env)
  ctx.io.err(
    opened
      ? 'Opened it in your browser. Waiting for the sign-in to finish (5 minutes at most)...'
      : 'Could not open a browser: open the URL yourself. Waiting (5 minutes at most)...',
  )
  await flow.done
}

function timeoutOf(ctx: CliContext): number {
  const raw = ctx.values['timeout'] as string | undefined
  if (raw === undefined) return SIGN_IN_TIMEOUT_MS
  const s = Number(raw)
  if (!Number.isFinite(s) || s < 1 || s > 3600)
    throw new UsageError('--timeout takes seconds, from 1 to 3600')
  return s * 1000
}

function probeLines(p: ProbeResult): string {
  return [
    `${p.serverName} ${p.serverVersion} (MCP ${p.protocolVersion ?? 'unknown'}, ${p.transport})${p.signedIn ? ', signed in with OAuth' : ''}`,
    `capabilities: ${p.capabilities.join(', ') || 'none'}`,
    `tools (${p.tools.length}): ${p.tools.join(', ') || 'none'}`,
  ].join('\n')
}

export const remoteUpstreamCommands: CommandSpec[] = [
  {
    name: 'upstream login',
    summary: 'sign in to a remote upstream with OAuth (opens the browser; honours BROWSER)',
    usage: '<name>',
    positionals: [1, 1],
    options: { timeout: { type: 'string', description: 'seconds to wait for the browser (default 300)' } },
    async run(ctx) {
      const name = ctx.positionals[0]
      const timeout = timeoutOf(ctx)
      const core = await ctx.openCore({ unlock: true })
      const { getBridge } = await import('../../bridge/feature')
      const bridge = getBridge(core.ctx)
      const config = bridge.upstreams.store.require(name)
      const { flow } = await bridge.upstreams.remote.startSignIn(config, timeout)
      await waitForSignIn(ctx, flow, `"${name}"`)
      const u = bridge.upstreams.status(name)
      ctx.print(
        `Signed in to "${name}"${u.remote?.scope ? ` (scope ${u.remote.scope})` : ''}. A running bridge picks the grant up by itself.`,
        u,
      )
    },
  },
  {
    name: 'upstream probe',
    summary:
      'connect once to a remote MCP server as Keybridge would (OAuth included) and print what it offers',
    usage: '<url>',
    positionals: [1, 1],
    options: {
      transport: REMOTE_ADD_OPTIONS['transport'],
      header: REMOTE_ADD_OPTIONS['header'],
      'header-file': REMOTE_ADD_OPTIONS['header-file'],
      'allow-http': REMOTE_ADD_OPTIONS['allow-http'],
      timeout: { type: 'string', description: 'seconds to wait for a browser sign-in (default 300)' },
    },
    async run(ctx) {
      const url = checkRemoteUrl(ctx.positionals[0], { allowHttp: Boolean(ctx.values['allow-http']) })
      const timeout = timeoutOf(ctx)
      let headers = parseHeaders(ctx)
      if (Object.values(headers).some((v) => referencesIn(v).length > 0)) {
        // A header names a vault secret: open the vault for this one connection.
        const core = await ctx.openCore({ unlock: true })
        const creds = core.ctx.credentials
        headers = Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [
            k,
            resolveTemplate(v, (r) => {
              const c = creds.findByRef(r.ref)
              const value =
                creds.readSecrets(c.id, { actor: 'cli', actorName: 'probe', action: 'used' })[r.field] ??
                c.fields[r.field]
              if (value === undefined)
                throw new AppError('NOT_FOUND', `${c.service}/${c.name} has no field "${r.field}".`)
              return value
            }),
          ]),
        )
      }
      const { probeRemote } = await import('../../bridge/upstream/remote/probe')
      const result = await probeRemote({
        url,
        transport: transportOf(ctx),
        headers,
        signInTimeoutMs: timeout,
        onSignIn: (flow) => waitForSignIn(ctx, flow, url.host).catch(() => {}),
      })
      ctx.print(probeLines(result), result)
    },
  },
]

import type { BridgeConfig } from '../../../../shared/ipc/bridge'
import type { Core } from '../../app'
import {
  processAlive,
  readServeStatus,
  removeServeStatus,
  writeServeStatus,
  type ServeStatus,
} from '../bridge-status-file'
import { healthAnswers } from '../health'
import { superviseServe } from '../serve-launch'
import { UsageError, type CliContext, type CommandSpec } from '../spec'
import { noVaultIfMissing } from '../vault-access'

type GetBridge = typeof import('../../bridge/feature').getBridge

const STATUS_REFRESH_MS = 5_000

function intOption(ctx: CliContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.values[name] as string | undefined
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max)
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}`)
  return n
}

/** Resolves once SIGINT/SIGTERM/SIGHUP arrives; later ones are ignored while shutting down. */
function untilSignal(): { stopped: Promise<NodeJS.Signals>; release(): void } {
  let resolveFn: (s: NodeJS.Signals) => void = () => {}
  const stopped = new Promise<NodeJS.Signals>((r) => (resolveFn = r))
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const handler = (s: NodeJS.Signals) => resolveFn(s)
  for (const s of signals) process.on(s, handler)
  return { stopped, release: () => signals.forEach((s) => process.off(s, handler)) }
}

function publishedStatus(getBridge: GetBridge, core: Core, approvalMode: string, tools: number): ServeStatus {
  const bridge = getBridge(core.ctx)
  const s = bridge.status()
  return {
    pid: process.pid,
    url: s.url ?? '',
    host: s.host,
    port: s.port,
    startedAt: s.startedAt ?? Date.now(),
    updatedAt: Date.now(),
    version: core.ctx.version,
    sessions: s.sessions,
    tools,
    approvalMode,
    upstreams: bridge.upstreams.list().map((u) => ({
      name: u.name,
      state: u.state,
      toolCount: u.toolCount,
      lastError: u.lastError,
    })),
  }
}

const hostInUrl = (host: string) => (host.includes(':') ? `[${host}]` : host)

export interface BridgeRunState {
  running: boolean
  url: string
  host: string
  port: number
  /** Who says so: this data dir's serve, another process answering on the address, or nobody. */
  source: 'serve' | 'address' | 'none'
  pid: number | null
  startedAt: number | null
  sessions: number | null
  upstreams: {
    name: string
    state: string
    toolCount: number
    lastError: string | null
    /** Remote servers: whether a sign-in is stored and when its access token expires (from the vault). */
    auth?: 'none' | 'signed_in' | 'needs_sign_in'
    grantExpiresAt?: number | null
  }[]
  staleStatusFile: boolean
}

/** ", signed in until …" / ", needs sign-in" for a remote server; nothing for a local one. */
function grantText(u: BridgeRunState['upstreams'][number]): string {
  if (u.auth === 'needs_sign_in') return ', needs sign-in (keybridge upstream login ' + u.name + ')'
  if (u.auth !== 'signed_in') return ''
  return u.grantExpiresAt
    ? `, signed in (token until ${new Date(u.grantExpiresAt).toISOString().replace(/\.\d+Z$/, 'Z')})`
    : ', signed in'
}

/** Whether a bridge runs for this data dir: the serve status file (process alive, /health answers), else a probe. */
export async function bridgeRunState(core: Core, dataDir: string): Promise<BridgeRunState> {
  const { getBridge } = await import('../../bridge/feature')
  const config = getBridge(core.ctx).config()
  const published = readServeStatus(dataDir)
  const stored = getBridge(core.ctx).upstreams.list()
  // The grant lives in the vault, so its expiry is known here whichever process runs the bridge.
  const withGrant = <U extends { name: string }>(u: U) => {
    const r = stored.find((s) => s.name === u.name)?.remote
    return r ? { ...u, auth: r.auth, grantExpiresAt: r.grantExpiresAt } : u
  }
  const stopped = stored.map((u) =>
    withGrant({ name: u.name, state: 'stopped', toolCount: u.toolCount, lastError: null }),
  )
  if (published && processAlive(published.pid) && (await healthAnswers(new URL(published.url).origin))) {
    return {
      running: true,
      url: published.url,
      host: published.host,
      port: published.port,
      source: 'serve',
      pid: published.pid,
      startedAt: published.startedAt,
      sessions: published.sessions,
      upstreams: published.upstreams.map(withGrant),
      staleStatusFile: false,
    }
  }
  const url = `http://${hostInUrl(config.host)}:${config.port}/mcp`
  const answers = config.port > 0 && (await healthAnswers(new URL(url).origin))
  return {
    running: answers,
    url,
    host: config.host,
    port: config.port,
    source: answers ? 'address' : 'none',
    pid: null,
    startedAt: null,
    sessions: null,
    upstreams: answers ? [] : stopped,
    staleStatusFile: published !== null,
  }
}

function configLines(c: BridgeConfig): string {
  return [
    `Address:          http://${hostInUrl(c.host)}:${c.port}/mcp`,
    `Rate limit:       ${c.rateLimitPerMinute} requests per minute per client token`,
    `Approval timeout: ${c.approvalTimeoutSeconds} s`,
    `Start with app:   ${c.enabled ? 'yes' : 'no'} (desktop)`,
  ].join('\n')
}

export const serveCommands: CommandSpec[] = [
  {
    name: 'serve',
    summary: 'run the vault and the MCP bridge until SIGINT/SIGTERM',
    options: {
      port: { type: 'string', description: 'port (default: the configured one, 3003)' },
      host: {
        type: 'string',
        description:
          'address to bind (default 127.0.0.1); anything else exposes the bridge to your network (warned); a saved non-loopback address is used only when given here',
      },
      'approve-all': {
        type: 'boolean',
        description: 'run tools marked "ask" without asking (headless has no prompt)',
      },
    },
    async run(ctx) {
      const port = intOption(ctx, 'port', 0, 65535)
      if (!ctx.bridgeProcess) {
        // The launcher: no vault → refused before any prompt; the bridge runs in a child that
        // gets the password over a pipe (see cli/serve-launch.ts).
        noVaultIfMissing(ctx.dataDir)
        const password = await ctx.masterPassword()
        return superviseServe({ argv: ctx.argv, password, env: ctx.env, self: ctx.self })
      }
      const signal = untilSignal()
      const { getBridge } = await import('../../bridge/feature')
      const core = await ctx.openCore({ logToFile: true })
      const bridge = getBridge(core.ctx)
      const approvalMode = ctx.values['approve-all'] ? 'approve_all' : 'deny'
      const status = await bridge.start({
        host: ctx.values['host'] as string | undefined,
        port,
        approvalMode,
      })
      const tools = (await bridge.registry.tools()).size
      const publish = () =>
        writeServeStatus(ctx.dataDir, publishedStatus(getBridge, core, approvalMode, tools))
      publish()
      const unsubscribe = bridge.upstreams.onChange(publish)
      const refresher = setInterval(publish, STATUS_REFRESH_MS)
      refresher.unref()
      if (!ctx.json && status.exposed) {
        ctx.io.err(
          [
            `WARNING: the bridge is bound to ${status.address}${status.address?.startsWith('0.0.0.0') || status.address?.startsWith('[::]') ? ' (every network interface)' : ''}: other computers on your network can reach it.`,
            `Anyone there holding a client token can use your credentials through it. Requests may name it as: ${status.allowedHosts.join(', ')}.`,
          ].join('\n'),
        )
      }
      if (!ctx.json && status.exposureHeldBack) {
        ctx.io.err(
          `The saved bridge address ${status.exposureHeldBack} is not loopback: the bridge listens on ${status.address} instead. Pass --host ${status.exposureHeldBack} to expose it deliberately.`,
        )
      }
      ctx.print(
        [
          `Keybridge bridge listening on ${status.url}${status.exposed ? ` (bound to ${status.address})` : ''} (process ${process.pid})`,
          `${tools} tools; ${approvalMode === 'deny' ? 'tools marked "ask" are denied (no prompt headless; --approve-all allows them)' : 'tools marked "ask" run without asking (--approve-all)'}.`,
          'Press Ctrl+C to stop.',
        ].join('\n'),
        { ...status, tools, pid: process.pid },
      )
      try {
        await signal.stopped
        // Closing the core stops the bridge: sessions, upstream children, then the database.
        await bridge.stop()
      } finally {
        clearInterval(refresher)
        unsubscribe()
        removeServeStatus(ctx.dataDir)
        signal.release()
      }
      if (!ctx.json) ctx.io.err('Keybridge bridge stopped.')
    },
  },
  {
    name: 'bridge config',
    summary: 'show the bridge settings, or change them (port, host, rate limit, approval timeout)',
    usage: '[--port N] [--host H] [--rate-limit N] [--approval-timeout S]',
    options: {
      port: { type: 'string', description: 'port to listen on (0 picks a free one)' },
      host: { type: 'string', description: 'address to bind, e.g. 127.0.0.1' },
      'rate-limit': { type: 'string', description: 'requests per minute per client token' },
      'approval-timeout': {
        type: 'string',
        description: 'seconds a tool call waits for approval before it is denied',
      },
    },
    async run(ctx) {
      const patch: Partial<BridgeConfig> = {
        port: intOption(ctx, 'port', 0, 65535),
        rateLimitPerMinute: intOption(ctx, 'rate-limit', 1, 1_000_000),
        approvalTimeoutSeconds: intOption(ctx, 'approval-timeout', 1, 3600),
      }
      const host = ctx.values['host'] as string | undefined
      if (host !== undefined) {
        if (!host.trim() || /[\s/]/.test(host))
          throw new UsageError('--host takes an address such as 127.0.0.1')
        patch.host = host.trim()
      }
      const changing = Object.values(patch).some((v) => v !== undefined)
      const core = await ctx.openCore()
      const config = changing
        ? await ctx.call(core, 'bridge.config.set', patch)
        : await ctx.call(core, 'bridge.config.get', undefined)
      const running = changing ? await bridgeRunState(core, ctx.dataDir) : null
      const note = running?.running
        ? '\nA bridge is running: restart it ("keybridge serve" or the desktop app) to apply.'
        : ''
      ctx.print(`${changing ? 'Saved. ' : ''}Bridge settings:\n${configLines(config)}${note}`, config)
    },
  },
  {
    name: 'bridge status',
    summary: 'address, running or not, sessions, upstream servers and their state',
    async run(ctx) {
      const core = await ctx.openCore()
      const s = await bridgeRunState(core, ctx.dataDir)
      const lines = [
        `Address:   ${s.url}`,
        `Running:   ${
          s.running
            ? s.source === 'serve'
              ? `yes (keybridge serve, process ${s.pid}, since ${new Date(s.startedAt!).toISOString()})`
              : 'yes (a Keybridge bridge answers there: the desktop app or another data dir)'
            : 'no'
        }`,
        ...(s.sessions !== null ? [`Sessions:  ${s.sessions}`] : []),
        ...(s.staleStatusFile
          ? ['Note:      a serve that is gone left its status file (it did not stop cleanly).']
          : []),
        s.upstreams.length
          ? `Upstreams:\n${s.upstreams.map((u) => `  ${u.name.padEnd(16)} ${u.state}${u.lastError ? ` (${u.lastError})` : ''}${grantText(u)}`).join('\n')}`
          : 'Upstreams: none',
      ]
      ctx.print(lines.join('\n'), s)
    },
  },
]

import type { TokenUsage } from '../../../../shared/ipc/usage'
import { LogLevel } from '../../../../shared/ipc/logs'
import { followLogs, formatLogLine, readLogs, type LogLine } from '../../log/read'
import { join } from 'node:path'
import { LOGS_DIR } from '../../log/logger'
import { invokeAsCli as call } from '../invoke'
import { UsageError, type CliContext, type CommandSpec, type OptionSpec } from '../spec'
import { parseSince } from './vault'

export const QUOTA_OPTIONS: Record<string, OptionSpec> = {
  'daily-quota': { type: 'string', description: 'tool calls allowed per local day (a number, or "none")' },
  'monthly-quota': {
    type: 'string',
    description: 'tool calls allowed per calendar month (a number, or "none")',
  },
}

function quota(ctx: CliContext, option: string): number | null | undefined {
  const raw = ctx.values[option] as string | undefined
  if (raw === undefined) return undefined
  if (raw === 'none') return null
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000_000)
    throw new UsageError(`--${option} takes a whole number of calls from 1 to 1000000000 (or "none")`)
  return n
}

/** `--daily-quota N --monthly-quota M` (either may be "none" to remove it). */
export function parseQuotas(ctx: CliContext): { dailyQuota?: number | null; monthlyQuota?: number | null } {
  const daily = quota(ctx, 'daily-quota')
  const monthly = quota(ctx, 'monthly-quota')
  return {
    ...(daily !== undefined ? { dailyQuota: daily } : {}),
    ...(monthly !== undefined ? { monthlyQuota: monthly } : {}),
  }
}

const when = (ms: number) => new Date(ms).toLocaleString('sv-SE').slice(0, 16)

function usageText(u: TokenUsage): string {
  const q = (name: string, x: TokenUsage['quota']['daily']) =>
    x.limit === null
      ? `${name}: ${x.used} calls (no quota)`
      : `${name}: ${x.used} of ${x.limit} calls, resets ${when(x.resetsAt)}`
  const width = Math.max(4, ...u.days.map((d) => String(d.calls).length))
  const max = Math.max(1, ...u.days.map((d) => d.calls))
  return [
    `Usage of "${u.token}" over ${u.days.length} days: ${u.totals.calls} calls, ${u.totals.errors} errors, ${u.totals.denied} denied, ${u.totals.quotaRefused} refused by a quota.`,
    `Last 24 hours: ${u.last24h.calls} calls, ${u.last24h.errors} errors, ${u.last24h.denied} denied, ${u.last24h.quotaRefused} refused by a quota.`,
    q('Today', u.quota.daily),
    q('This month', u.quota.monthly),
    '',
    'DAY         CALLS  OK     ERR    DENIED QUOTA',
    ...u.days.map(
      (d) =>
        `${d.day}  ${String(d.calls).padStart(width)}  ${String(d.ok).padEnd(6)} ${String(d.error).padEnd(6)} ${String(d.denied).padEnd(6)} ${String(d.quotaRefused).padEnd(5)} ${'#'.repeat(Math.round((d.calls / max) * 20))}`,
    ),
    '',
    u.topTools.length ? 'TOP TOOLS' : 'No tool calls in this span.',
    ...u.topTools.map(
      (t) =>
        `  ${t.tool}  ${t.calls} calls, ${t.errors} errors, ${t.denied} denied${t.avgMs !== null ? `, ${t.avgMs} ms avg` : ''}`,
    ),
  ].join('\n')
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : undefined
}

export const observabilityCommands: CommandSpec[] = [
  {
    name: 'token update',
    summary: "change a client token's scopes and quotas",
    usage: '<name> [--scope P ...] [--daily-quota N|none] [--monthly-quota M|none]',
    positionals: [1, 1],
    options: {
      scope: { type: 'string', multiple: true, description: 'replace its tool patterns (repeat for more)' },
      ...QUOTA_OPTIONS,
    },
    async run(ctx) {
      const patch = { scopes: strings(ctx.values['scope']), ...parseQuotas(ctx) }
      if (patch.scopes === undefined && patch.dailyQuota === undefined && patch.monthlyQuota === undefined)
        throw new UsageError('token update needs --scope, --daily-quota or --monthly-quota')
      const core = await ctx.openCore()
      const t = await call(core, 'bridge.tokens.update', { name: ctx.positionals[0], ...patch })
      const q = (n: number | null) => (n === null ? 'none' : String(n))
      ctx.print(
        `Updated "${t.name}": scopes ${t.scopes.length ? t.scopes.join(', ') : '*'}; daily quota ${q(t.dailyQuota)}; monthly quota ${q(t.monthlyQuota)}.`,
        t,
      )
    },
  },
  {
    name: 'token usage',
    summary: 'calls per day, top tools, errors, denials and quota use of a client token',
    usage: '<name> [--days 30]',
    positionals: [1, 1],
    options: { days: { type: 'string', description: 'how many days back, today included (default 30)' } },
    async run(ctx) {
      const raw = (ctx.values['days'] as string | undefined) ?? '30'
      const days = Number(raw)
      if (!/^\d+$/.test(raw) || days < 1 || days > 366)
        throw new UsageError('--days takes a number from 1 to 366')
      const core = await ctx.openCore()
      const u = await call(core, 'usage.token', { name: ctx.positionals[0], days })
      ctx.print(usageText(u), u)
    },
  },
  {
    name: 'logs config',
    summary: 'show, or change, the log level and how many days of log files are kept',
    options: {
      'log-level': { type: 'string', description: `the level written: ${LogLevel.options.join(', ')}` },
      'retention-days': {
        type: 'string',
        description: 'days of daily log files kept, today included (default 30)',
      },
    },
    async run(ctx) {
      const raw = ctx.values['retention-days'] as string | undefined
      const days = raw === undefined ? undefined : Number(raw)
      if (days !== undefined && (!/^\d+$/.test(raw!) || days < 1 || days > 3650))
        throw new UsageError('--retention-days takes a number from 1 to 3650')
      const level =
        ctx.values['log-level'] === undefined ? undefined : ctx.choice('log-level', LogLevel.options, 'info')
      const core = await ctx.openCore()
      const out =
        level === undefined && days === undefined
          ? await call(core, 'logs.config.get', undefined)
          : await call(core, 'logs.config.set', { level, retentionDays: days })
      ctx.print(
        `Log level ${out.level}; ${out.retentionDays} days of log files kept in ${join(ctx.dataDir, LOGS_DIR)}.`,
        out,
      )
    },
  },
  {
    name: 'logs',
    summary: 'the structured log (JSON lines in <data dir>/logs, one file per day)',
    usage: '[--follow] [--since 1h|2026-01-31] [--level warn]',
    options: {
      follow: { type: 'boolean', description: 'keep printing new lines until Ctrl+C' },
      since: { type: 'string', description: 'only lines since an ISO date or a span ago (30m, 12h, 7d)' },
      level: { type: 'string', description: `only this level and above: ${LogLevel.options.join(', ')}` },
    },
    async run(ctx) {
      const level =
        ctx.values['level'] === undefined ? undefined : ctx.choice('level', LogLevel.options, 'info')
      const since = ctx.values['since'] ? parseSince(ctx.values['since'] as string, Date.now()) : undefined
      const dir = join(ctx.dataDir, LOGS_DIR)
      const q = { since, level }
      const print = (lines: LogLine[]) => {
        if (ctx.json) for (const l of lines) ctx.io.out(JSON.stringify(l))
        else for (const l of lines) ctx.io.out(formatLogLine(l))
      }
      const lines = readLogs(dir, q)
      if (!ctx.values['follow'] && ctx.json) {
        ctx.io.out(JSON.stringify(lines, null, 2))
        return
      }
      if (lines.length === 0 && !ctx.values['follow']) ctx.io.err(`No log lines in ${dir}.`)
      print(lines)
      if (!ctx.values['follow']) return
      await new Promise<void>((resolve) => {
        const stop = followLogs(dir, q, print)
        const done = () => {
          stop()
          process.off('SIGINT', done)
          process.off('SIGTERM', done)
          resolve()
        }
        process.on('SIGINT', done)
        process.on('SIGTERM', done)
      })
    },
  },
]

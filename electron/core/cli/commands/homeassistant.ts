import { AppError } from '../../../../shared/errors'
import type { ChannelOutput } from '../../../../shared/ipc'
import type { HaInstance, HaProbeResult } from '../../../../shared/ipc/homeassistant'
import type { Core } from '../../app'
import { readSecretFile } from '../io'
import { UsageError, type CliContext, type CommandSpec } from '../spec'
import { invokeAsCli } from '../invoke'

const invoke = invokeAsCli

async function byName(core: Core, name: string): Promise<HaInstance> {
  const all = await invoke(core, 'homeassistant.list', undefined)
  const found = all.find((i) => i.name.toLowerCase() === name.toLowerCase())
  if (!found)
    throw new AppError(
      'NOT_FOUND',
      `No Home Assistant instance named "${name}". List them with "keybridge ha list".`,
    )
  return found
}

function timeoutOption(ctx: CliContext): number | undefined {
  const raw = ctx.values['timeout'] as string | undefined
  if (raw === undefined) return undefined
  const ms = Number(raw)
  if (!Number.isInteger(ms) || ms < 200 || ms > 60_000)
    throw new UsageError('--timeout is milliseconds, 200 to 60000')
  return ms
}

async function readToken(ctx: CliContext): Promise<string> {
  const direct = ctx.values['token'] as string | undefined
  const file = ctx.values['token-file'] as string | undefined
  if (direct && file) throw new UsageError('give --token or --token-file, not both')
  if (direct === '-') return ctx.stdinLine('--token -')
  if (direct) return direct
  if (file) {
    try {
      return readSecretFile(file)
    } catch {
      throw new AppError('IO_ERROR', `The token file ${file} could not be read.`)
    }
  }
  const typed = await ctx.io.promptSecret('Long-lived access token: ')
  if (!typed) throw new UsageError('--token (or --token-file) is required')
  return typed
}

/** The probe as `ha test --json` prints it. */
function probeJson(name: string, p: HaProbeResult) {
  return {
    name,
    url: p.url,
    reachable: p.reachable,
    reason: p.reason,
    message: p.message,
    latencyMs: p.latencyMs,
    version: p.version,
    locationName: p.locationName,
    entityCount: p.entityCount,
    warnings: p.warnings,
    advice: p.advice,
  }
}

function probeLines(p: HaProbeResult): string[] {
  const lines = [p.reachable ? `OK: ${p.message}` : `FAILED (${p.reason}): ${p.message}`]
  for (const w of p.warnings) lines.push(`Warning: ${w.message}`)
  for (const a of p.advice) lines.push(`Note: ${a}`)
  return lines
}

const listed = (i: HaInstance) => ({
  id: i.id,
  name: i.name,
  slug: i.slug,
  url: i.url,
  allowedDomains: i.allowedDomains,
  lastProbe: i.lastProbe
    ? {
        reachable: i.lastProbe.reachable,
        reason: i.lastProbe.reason,
        version: i.lastProbe.version,
        checkedAt: new Date(i.lastProbe.checkedAt).toISOString(),
      }
    : null,
  createdAt: new Date(i.createdAt).toISOString(),
})

const timeout = { type: 'string' as const, description: 'probe timeout in milliseconds (default 10000)' }

export const homeassistantCommands: CommandSpec[] = [
  {
    name: 'ha add',
    summary: 'add a Home Assistant instance (tests the connection first)',
    usage: '--name N --url U [--token -|--token-file F] [--domains a,b] [--no-validate]',
    options: {
      name: { type: 'string', description: 'a name for the instance, unique' },
      url: { type: 'string', description: 'its address, e.g. http://homeassistant.local:8123' },
      token: {
        type: 'string',
        description:
          'a long-lived access token; "-" reads it from stdin (a value here is visible to other local users: prefer -, --token-file or the prompt)',
      },
      'token-file': { type: 'string', description: 'read the token from this file instead' },
      domains: { type: 'string', description: 'comma-separated domains the bridge may use (default: all)' },
      'no-validate': { type: 'boolean', description: 'save even if the connection test fails' },
      timeout,
    },
    async run(ctx) {
      const name = ctx.values['name'] as string | undefined
      const url = ctx.values['url'] as string | undefined
      if (!name || !url) throw new UsageError('ha add needs --name and --url')
      const domains = ((ctx.values['domains'] as string | undefined) ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean)
      const validate = !ctx.values['no-validate']
      const timeoutMs = timeoutOption(ctx)
      const core = await ctx.openCore()
      const token = await readToken(ctx)
      let saved: ChannelOutput<'homeassistant.add'>
      try {
        saved = await invoke(core, 'homeassistant.add', {
          name,
          url,
          token,
          allowedDomains: domains,
          validate,
          timeoutMs,
        })
      } catch (e) {
        if (e instanceof AppError && e.message.startsWith('Not saved:')) {
          throw new AppError(e.code, `${e.message} Pass --no-validate to save it anyway.`)
        }
        throw e
      }
      const { instance, probe } = saved
      const human = [
        `Added Home Assistant "${instance.name}" at ${instance.url}${instance.allowedDomains.length ? ` (domains: ${instance.allowedDomains.join(', ')})` : ''}.`,
        ...(probe ? probeLines(probe) : ['The connection was not tested (--no-validate).']),
      ].join('\n')
      ctx.print(human, { instance: listed(instance), probe: probe ? probeJson(instance.name, probe) : null })
    },
  },
  {
    name: 'ha list',
    summary: 'stored Home Assistant instances (no tokens)',
    async run(ctx) {
      const core = await ctx.openCore()
      const rows = (await invoke(core, 'homeassistant.list', undefined)).map(listed)
      const human = rows.length
        ? rows
            .map(
              (r) =>
                `${r.name}  ${r.url}  domains: ${r.allowedDomains.length ? r.allowedDomains.join(',') : 'all'}  last test: ${
                  r.lastProbe
                    ? `${r.lastProbe.reachable ? 'ok' : r.lastProbe.reason} at ${r.lastProbe.checkedAt}`
                    : 'never'
                }`,
            )
            .join('\n')
        : 'No Home Assistant instances. Add one with "keybridge ha add".'
      ctx.print(human, rows)
    },
  },
  {
    name: 'ha test',
    summary: 'test the connection to a stored instance (exit 1 when it fails)',
    usage: '<name>',
    positionals: [1, 1],
    options: { timeout },
    async run(ctx) {
      const timeoutMs = timeoutOption(ctx)
      const core = await ctx.openCore({ unlock: true })
      const inst = await byName(core, ctx.positionals[0])
      const probe = await invoke(core, 'homeassistant.probe', { id: inst.id, timeoutMs })
      ctx.print(probeLines(probe).join('\n'), probeJson(inst.name, probe))
      return probe.reachable ? 0 : 1
    },
  },
  {
    name: 'ha rm',
    summary: 'remove a Home Assistant instance and its token',
    usage: '<name>',
    positionals: [1, 1],
    async run(ctx) {
      const core = await ctx.openCore()
      const inst = await byName(core, ctx.positionals[0])
      await invoke(core, 'homeassistant.remove', { id: inst.id })
      ctx.print(`Removed Home Assistant "${inst.name}".`, { removed: inst.name, id: inst.id })
    },
  },
]

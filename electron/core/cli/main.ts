import { parseArgs } from 'node:util'
import { AppError, toErrorShape } from '../../../shared/errors'
import { createCore, type Core } from '../app'
import { APP_VERSION } from '../version'
import { defaultDataDir } from './data-dir'
import { invokeAsCli } from './invoke'
import { createProgressBar, readSecretFile } from './io'
import { commands } from './registry'
import { UsageError, type CliContext, type CliIO, type CommandSpec, type OptionSpec } from './spec'

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': {
    type: 'string',
    description: "vault folder (default: the desktop app's; env KEYBRIDGE_DATA_DIR)",
  },
  json: { type: 'boolean', description: 'machine-readable output on stdout' },
  'password-file': { type: 'string', description: 'read the master password from this file' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
}

/** Options of every command that declares `passphrase: true`. */
export const PASSPHRASE_OPTIONS: Record<string, OptionSpec> = {
  'passphrase-file': {
    type: 'string',
    description: 'read the backup passphrase from this file (else KEYBRIDGE_BACKUP_PASSPHRASE or a prompt)',
  },
}

function commandOptions(cmd: CommandSpec): Record<string, OptionSpec> {
  return { ...(cmd.options ?? {}), ...(cmd.passphrase ? PASSPHRASE_OPTIONS : {}), ...GLOBAL_OPTIONS }
}

function optionLines(opts: Record<string, OptionSpec>): string[] {
  return Object.entries(opts).map(([k, o]) => {
    const flag = `--${k}${o.type === 'string' ? ' <value>' : ''}${o.multiple ? ' ...' : ''}`
    return `  ${flag.padEnd(30)} ${o.description}`
  })
}

export function usage(cmd?: CommandSpec): string {
  if (cmd) {
    return [
      `Usage: keybridge ${cmd.name}${cmd.usage ? ' ' + cmd.usage : ''} [options]`,
      '',
      cmd.summary,
      '',
      'Options:',
      ...optionLines(commandOptions(cmd)),
    ].join('\n')
  }
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  return [
    `keybridge ${APP_VERSION}: the Keybridge vault and MCP bridge without a window.`,
    '',
    'Usage: keybridge <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Environment: KEYBRIDGE_PASSWORD (master password), KEYBRIDGE_BACKUP_PASSPHRASE,',
    '  KEYBRIDGE_DATA_DIR, KEYBRIDGE_<SERVICE>_BASE_URL (e.g. KEYBRIDGE_GITHUB_BASE_URL).',
    'Exit codes: 0 ok, 1 error, 2 usage. Run "keybridge <command> --help" for a command\'s options.',
  ].join('\n')
}

/** Finds the command named by the first one or two non-option words. */
function findCommand(argv: string[]): { cmd?: CommandSpec; rest: string[] } {
  const words: number[] = []
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]
    if (a.startsWith('-')) {
      // Skip a global option's value so `--data-dir X init` finds `init`.
      const name = a.replace(/^--?/, '').split('=')[0]
      const spec = GLOBAL_OPTIONS[name]
      if (spec?.type === 'string' && !a.includes('=')) i++
      continue
    }
    words.push(i)
  }
  for (const n of [2, 1]) {
    if (words.length < n) continue
    const name = words
      .slice(0, n)
      .map((i) => argv[i])
      .join(' ')
    const cmd = commands.find((c) => c.name === name)
    if (cmd) return { cmd, rest: argv.filter((_, i) => !words.slice(0, n).includes(i)) }
  }
  return { rest: argv }
}

export interface RunOptions {
  io: CliIO
  env?: Record<string, string | undefined>
  /** Lower Argon2 cost for tests (stored with the keyslot, so it stays consistent). */
  kdf?: { memoryCost: number; timeCost: number; parallelism: number }
}

/** Runs one command line and returns the exit code. Never throws. */
export async function runCli(argv: string[], opts: RunOptions): Promise<number> {
  const { io } = opts
  const env = opts.env ?? process.env
  const jsonWanted = argv.includes('--json')
  const fail = (code: number, e: unknown): number => {
    if (e instanceof UsageError) {
      if (jsonWanted) io.err(JSON.stringify({ error: { code: 'INVALID_INPUT', message: e.message } }))
      else io.err(`keybridge: ${e.message}\nRun "keybridge --help" for usage.`)
      return 2
    }
    const shape = toErrorShape(e)
    if (!(e instanceof AppError)) shape.message = `${shape.message} (${(e as Error)?.name ?? 'error'})`
    io.err(jsonWanted ? JSON.stringify({ error: shape }) : `keybridge: ${shape.message}`)
    return code
  }

  const { cmd, rest } = findCommand(argv)
  if (!cmd) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      io.out(usage())
      return 0
    }
    if (argv.includes('--version')) {
      io.out(APP_VERSION)
      return 0
    }
    const word = argv.find((a) => !a.startsWith('-'))
    return fail(2, new UsageError(word ? `unknown command "${word}"` : 'no command given'))
  }

  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: rest,
      options: commandOptions(cmd) as Parameters<typeof parseArgs>[0] extends infer P
        ? P extends { options?: infer O }
          ? O
          : never
        : never,
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    return fail(2, new UsageError((e as Error).message.split('\n')[0]))
  }
  const values = parsed.values as CliContext['values']
  if (values['help']) {
    io.out(usage(cmd))
    return 0
  }
  const [min, max] = cmd.positionals ?? [0, 0]
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    return fail(2, new UsageError(`usage: keybridge ${cmd.name}${cmd.usage ? ' ' + cmd.usage : ''}`))
  }

  const dataDir = (values['data-dir'] as string | undefined) || defaultDataDir(env)
  const opened: Core[] = []
  const secretFrom = async (
    envName: string,
    fileOpt: string,
    question: string,
    what: string,
    confirm = false,
  ) => {
    if (env[envName]) return env[envName]!
    const file = values[fileOpt] as string | undefined
    if (file) {
      try {
        return readSecretFile(file)
      } catch {
        throw new AppError('IO_ERROR', `The ${what} file ${file} could not be read.`)
      }
    }
    const typed = await io.promptSecret(question)
    if (typed === undefined) {
      throw new AppError(
        'INVALID_INPUT',
        `A ${what} is needed: set ${envName}, pass --${fileOpt}, or run in a terminal.`,
      )
    }
    if (confirm && (await io.promptSecret('Repeat it: ')) !== typed) {
      throw new AppError('INVALID_INPUT', `The two ${what}s differ. Nothing was done.`)
    }
    return typed
  }
  const ctx: CliContext = {
    dataDir,
    json: Boolean(values['json']),
    env,
    io,
    values,
    positionals: parsed.positionals,
    print(human, json) {
      io.out(this.json ? JSON.stringify(json, null, 2) : human)
    },
    masterPassword: (q = 'Master password: ') =>
      secretFrom('KEYBRIDGE_PASSWORD', 'password-file', q, 'master password'),
    backupPassphrase: (q = 'Backup passphrase: ', o = {}) =>
      secretFrom('KEYBRIDGE_BACKUP_PASSPHRASE', 'passphrase-file', q, 'backup passphrase', o.confirm),
    progress: (label) => createProgressBar(io, label),
    choice(option, choices, fallback) {
      const v = values[option]
      if (v === undefined) return fallback
      const found = choices.find((c) => c === v)
      if (!found) throw new UsageError(`--${option} must be one of ${choices.join(', ')}`)
      return found
    },
    call: invokeAsCli,
    async openCore(o = {}) {
      const core = await createCore({ dataDir, runtime: 'node', env, kdf: opts.kdf })
      opened.push(core)
      for (const n of core.ctx.notices) io.err(`Notice: ${n}`)
      if (o.unlock) {
        if (!core.ctx.vault.initialized) {
          throw new AppError(
            'VAULT_NOT_INITIALIZED',
            `There is no vault in ${dataDir}. Run "keybridge init" first.`,
          )
        }
        await core.ctx.vault.unlock({ password: await ctx.masterPassword() }, 'cli')
      }
      return core
    },
  }
  try {
    const code = await cmd.run(ctx)
    return code ?? 0
  } catch (e) {
    if (e instanceof UsageError) return fail(2, e)
    return fail(1, e)
  } finally {
    for (const c of opened) await c.close()
  }
}

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppError, toErrorShape } from '../../../shared/errors'
import type { Core } from '../app'
import { APP_VERSION } from '../version'
import { isCorruption } from '../vault/corruption'
import { defaultDataDir } from './data-dir'
import { invokeAsCli } from './invoke'
import { createProgressBar, firstLine, readSecretFile } from './io'
import { commands } from './registry'
import { UsageError, type CliContext, type CliIO, type CommandSpec, type OptionSpec } from './spec'
import { didYouMean } from './suggest'
import type { SelfCommand } from './serve-launch'
import { openVault } from './vault-access'

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': {
    type: 'string',
    description: "vault folder (default: the desktop app's; env KEYBRIDGE_DATA_DIR)",
  },
  json: { type: 'boolean', description: 'machine-readable output on stdout' },
  'password-file': { type: 'string', description: 'read the master password from this file' },
  verbose: { type: 'boolean', description: 'write the structured log (debug level) to stderr' },
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
function findCommand(argv: string[]): { cmd?: CommandSpec; rest: string[]; words: string[] } {
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
  const named = words.map((i) => argv[i])
  for (const n of [2, 1]) {
    if (words.length < n) continue
    const name = named.slice(0, n).join(' ')
    const cmd = commands.find((c) => c.name === name)
    if (cmd) return { cmd, rest: argv.filter((_, i) => !words.slice(0, n).includes(i)), words: named }
  }
  return { rest: argv, words: named }
}

/** `unknown command "credential lst". Did you mean "credential list"?` */
function unknownCommand(words: string[]): UsageError {
  if (words.length === 0) return new UsageError('no command given')
  const [first, second] = words
  const groups = [...new Set(commands.map((c) => c.name.split(' ')[0]))]
  const inGroup = commands.filter((c) => c.name.startsWith(first + ' ')).map((c) => c.name)
  if (inGroup.length) {
    const subs = inGroup.map((n) => n.split(' ')[1])
    const hint = second ? didYouMean(second, subs, (s) => `${first} ${s}`) : ''
    return new UsageError(
      `${second ? `unknown command "${first} ${second}".` : `"${first}" needs a subcommand.`}${hint || ` Its subcommands: ${subs.join(', ')}.`}`,
    )
  }
  return new UsageError(`unknown command "${first}".${didYouMean(first, groups)}`)
}

/**
 * Checks every `--flag` against the command's options before parsing, so a typo gets the closest
 * valid option rather than Node's parser message.
 */
function checkFlags(cmd: CommandSpec, args: string[], opts: Record<string, OptionSpec>): void {
  const names = Object.keys(opts)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') break
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]
      const spec = opts[name]
      if (!spec) {
        throw new UsageError(
          `unknown option --${name} for "${cmd.name}".${didYouMean(name, names, (n) => `--${n}`)}`,
        )
      }
      if (spec.type === 'boolean' && a.includes('=')) throw new UsageError(`--${name} takes no value`)
      if (spec.type === 'string' && !a.includes('=')) {
        const next = args[i + 1]
        if (next === undefined || (next.startsWith('--') && next.length > 2))
          throw new UsageError(`--${name} needs a value`)
        i++
      }
    } else if (/^-[^-]/.test(a) && a !== '-') {
      const short = a[1]
      if (!Object.values(opts).some((o) => o.short === short))
        throw new UsageError(`unknown option ${a} for "${cmd.name}"`)
    }
  }
}

/** Node's parser errors, reworded (the pre-check above catches most). */
function parseError(e: unknown): UsageError {
  const m = (e as Error).message.split('\n')[0]
  const opt = /'(--?[^' ]+)/.exec(m)?.[1]
  const code = (e as { code?: string }).code
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && opt) return new UsageError(`${opt} needs a value`)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && opt) return new UsageError(`unknown option ${opt}`)
  return new UsageError(m.replace(/\. To specify a positional argument.*$/, ''))
}

export interface RunOptions {
  io: CliIO
  env?: Record<string, string | undefined>
  /** Lower Argon2 cost for tests (stored with the keyslot, so it stays consistent). */
  kdf?: { memoryCost: number; timeCost: number; parallelism: number }
  /** Reads the master password handed over by the serve launcher (never in env or argv). */
  passwordPipe?: () => Promise<string>
  /** How to start this command again, for serve's bridge process (default: Node + this script). */
  self?: SelfCommand
}

/** Runs one command line and returns the exit code. Never throws. */
export async function runCli(argv: string[], opts: RunOptions): Promise<number> {
  const { io } = opts
  const env = opts.env ?? process.env
  const jsonWanted = argv.includes('--json')
  let dataDirOf = () => defaultDataDir(env)
  const fail = (code: number, e: unknown): number => {
    if (e instanceof UsageError) {
      if (jsonWanted) io.err(JSON.stringify({ error: { code: 'INVALID_INPUT', message: e.message } }))
      else io.err(`keybridge: ${e.message}\nRun "keybridge --help" for usage.`)
      return 2
    }
    const shape = isCorruption(e)
      ? {
          code: 'VAULT_DAMAGED' as const,
          message: `The vault in ${dataDirOf()} is damaged (SQLite: ${(e as Error).message}). Nothing more was changed. Run "keybridge doctor" for details, or restore a backup.`,
        }
      : toErrorShape(e)
    if (!(e instanceof AppError) && !isCorruption(e) && shape.code === 'INTERNAL')
      shape.message = `${shape.message} (${(e as Error)?.name ?? 'error'})`
    io.err(jsonWanted ? JSON.stringify({ error: shape }) : `keybridge: ${shape.message}`)
    return code
  }

  const { cmd, rest, words } = findCommand(argv)
  if (!cmd) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      io.out(usage())
      return 0
    }
    if (argv.includes('--version')) {
      io.out(APP_VERSION)
      return 0
    }
    return fail(2, unknownCommand(words))
  }

  let parsed: ReturnType<typeof parseArgs>
  try {
    checkFlags(cmd, rest, commandOptions(cmd))
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
    return fail(2, e instanceof UsageError ? e : parseError(e))
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

  const dataDir = resolve((values['data-dir'] as string | undefined) || defaultDataDir(env))
  dataDirOf = () => dataDir
  const opened: Core[] = []
  let stdinRead = false
  const stdinLine = async (what: string): Promise<string> => {
    if (stdinRead) throw new UsageError(`only one value can come from standard input (${what})`)
    stdinRead = true
    if (!io.readStdin) throw new UsageError(`${what} needs standard input`)
    return firstLine(await io.readStdin())
  }
  // The serve launcher hands the password to the bridge process over a pipe (see cli/serve-launch.ts).
  let fromFd: Promise<string> | undefined
  let masterPromise: Promise<string> | undefined
  const secretFrom = async (
    envName: string,
    fileOpt: string,
    question: string,
    what: string,
    confirm = false,
  ) => {
    if (envName === 'KEYBRIDGE_PASSWORD' && opts.passwordPipe) return (fromFd ??= opts.passwordPipe())
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
    argv,
    bridgeProcess: Boolean(opts.passwordPipe),
    self: opts.self,
    json: Boolean(values['json']),
    env,
    io,
    values,
    positionals: parsed.positionals,
    print(human, json) {
      io.out(this.json ? JSON.stringify(json, null, 2) : human)
    },
    // Asked once per command, however many steps need it.
    masterPassword: (q = 'Master password: ') =>
      (masterPromise ??= secretFrom('KEYBRIDGE_PASSWORD', 'password-file', q, 'master password')),
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
    stdinLine,
    call: invokeAsCli,
    async openCore(o = {}) {
      const verbose = Boolean(values['verbose'])
      const core = await openVault({
        dataDir,
        env,
        kdf: opts.kdf,
        access: o.access ?? 'unlock',
        password: () => ctx.masterPassword(),
        passwordGiven: Boolean(env['KEYBRIDGE_PASSWORD'] || values['password-file'] || opts.passwordPipe),
        logging: { file: o.logToFile, stderr: verbose, ...(verbose ? { level: 'debug' as const } : {}) },
      })
      opened.push(core)
      for (const n of core.ctx.notices) io.err(`Notice: ${n}`)
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

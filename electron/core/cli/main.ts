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
import { checkFlags, findCommand, parseError, unknownCommand } from './command-line'
import type { OsKeyProtector } from '../vault/key-protector'
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
    '  KEYBRIDGE_DATA_DIR, KEYBRIDGE_<SERVICE>_BASE_URL (e.g. KEYBRIDGE_GITHUB_BASE_URL),',
    '  KEYBRIDGE_HTTP_TIMEOUT_MS (provider call deadline per attempt, default 10000).',
    'Exit codes: 0 ok, 1 error, 2 usage. Run "keybridge <command> --help" for a command\'s options.',
  ].join('\n')
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
  /** The OS keychain (inside the desktop app): opens a vault it protects without a password. */
  osProtector?: OsKeyProtector
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
          message: `The vault in ${dataDirOf()} is damaged (SQLite: ${(e as Error).message}). Nothing was changed. Run "keybridge doctor" for details, or restore a backup.`,
        }
      : toErrorShape(e)
    if (!(e instanceof AppError) && !isCorruption(e) && shape.code === 'INTERNAL')
      shape.message = `${shape.message} (${(e as Error)?.name ?? 'error'})`
    io.err(jsonWanted ? JSON.stringify({ error: shape }) : `keybridge: ${shape.message}`)
    return code
  }

  const { cmd, rest, words } = findCommand(argv, GLOBAL_OPTIONS)
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
    const label = /--(?:field )?([\w-]+)[= ]-$/.exec(what)?.[1] ?? 'value'
    return firstLine(await io.readStdin(`${label}: `))
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
        osProtector: opts.osProtector,
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

import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/ipc'
import type { Core } from '../app'
import type { SelfCommand } from './serve-launch'
import type { VaultAccess } from './vault-access'

export type OptionSpec = {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
  description: string
}

/** Wrong words on the command line: exit code 2 with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface CliIO {
  out(text: string): void
  err(text: string): void
  /** Ask for a secret on the terminal without echo; undefined when there is no terminal. */
  promptSecret(question: string): Promise<string | undefined>
  isTTY: boolean
  /** All of standard input (for `--field key=-`); on a terminal, a no-echo prompt instead. */
  readStdin?(question?: string): Promise<string>
  /** Raw writes to stderr for a live status line; present only when stderr is a terminal. */
  status?(text: string): void
}

/** A progress bar on stderr when it is a terminal; does nothing when piped. */
export interface ProgressBar {
  update(done: number, total: number, detail?: string): void
  /** Clears the bar (call once, also on failure). */
  done(): void
}

export interface CliContext {
  dataDir: string
  /** The whole command line as given (serve hands it to the bridge process). */
  argv: string[]
  /** True in the bridge process `serve` starts (the password came over its pipe). */
  bridgeProcess: boolean
  /** How to start this command again (the app's binary when packaged). */
  self?: SelfCommand
  json: boolean
  env: Record<string, string | undefined>
  io: CliIO
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  /**
   * Opens the core on the data dir. A folder without a vault is refused (only `access: 'create'`,
   * for init, makes one); by default the master password is checked and the vault unlocked before
   * anything else. `unlock` is accepted for older callers: the vault is always unlocked. The log goes
   * to stderr with --verbose, and to `<data dir>/logs/` with logToFile (serve).
   */
  openCore(opts?: { access?: VaultAccess; unlock?: boolean; logToFile?: boolean }): Promise<Core>
  /** The first line of standard input, for a secret given as `-` (once per command). */
  stdinLine(what: string): Promise<string>
  /** Human text on a terminal, one JSON document with --json. */
  print(human: string, json: unknown): void
  /** Reads the master password: KEYBRIDGE_PASSWORD, --password-file, else a prompt. */
  masterPassword(question?: string): Promise<string>
  /**
   * Reads the backup passphrase: KEYBRIDGE_BACKUP_PASSPHRASE, --passphrase-file (declare
   * `passphrase: true` on the command), else a prompt; `confirm` asks twice when prompting.
   */
  backupPassphrase(question?: string, opts?: { confirm?: boolean }): Promise<string>
  /** A progress bar on stderr (terminal only). */
  progress(label: string): ProgressBar
  /** A string option restricted to `choices` (a usage error, exit 2, otherwise). */
  choice<T extends string>(option: string, choices: readonly T[], fallback: T): T
  /** Calls one IPC channel as the CLI actor; a failure is thrown as an AppError (exit 1). */
  call<C extends ChannelName>(core: Core, channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>
}

export interface CommandSpec {
  /** One or two words: 'init', 'credential add'. */
  name: string
  summary: string
  /** Arguments after the name, for the usage line: '<service/name> [--field F]'. */
  usage?: string
  options?: Record<string, OptionSpec>
  /** How many positionals it takes (min, max). */
  positionals?: [number, number]
  /** Takes a backup passphrase: adds the --passphrase-file option. */
  passphrase?: boolean
  run(ctx: CliContext): Promise<number | void>
}

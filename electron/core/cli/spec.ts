import type { Core } from '../app'

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
}

export interface CliContext {
  dataDir: string
  json: boolean
  env: Record<string, string | undefined>
  io: CliIO
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  /** Opens the core on the data dir; with unlock, unlocks it with the master password. */
  openCore(opts?: { unlock?: boolean }): Promise<Core>
  /** Human text on a terminal, one JSON document with --json. */
  print(human: string, json: unknown): void
  /** Reads the master password: KEYBRIDGE_PASSWORD, --password-file, else a prompt. */
  masterPassword(question?: string): Promise<string>
  /** Reads the backup passphrase: KEYBRIDGE_BACKUP_PASSPHRASE, --passphrase-file, else a prompt. */
  backupPassphrase(question?: string): Promise<string>
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
  run(ctx: CliContext): Promise<number | void>
}

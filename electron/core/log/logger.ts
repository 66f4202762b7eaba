import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import type { Clock } from '../clock'
import { RotatingFile } from './rotating-file'
import { maskSecretKeys } from './scrub'

import type { LogLevel } from '../../../shared/ipc/logs'

export type { LogLevel }
export const LOG_LEVEL_VALUES: Record<LogLevel, number> = {
  fatal: 60,
  error: 50,
  warn: 40,
  info: 30,
  debug: 20,
  trace: 10,
}
export const LOGS_DIR = 'logs'

export interface LogOptions {
  clock: Clock
  level: LogLevel
  /** JSON lines in `<dataDir>/logs/`, rotated at local midnight (the desktop app, `keybridge serve`). */
  file?: { dataDir: string; retentionDays: number }
  /** The same lines on stderr (`--verbose`). */
  stderr?: boolean
}

/** A log line kept in memory for the diagnostics bundle (already scrubbed). */
export type RecentError = Record<string, unknown>
const RECENT_MAX = 20

/**
 * The process's structured log: pino, JSON lines. Every line passes the scrubber before it is written
 * anywhere: values of secret-shaped keys are masked when the line is built, and every stored secret
 * value (the bridge's redactor, hooked in with `useScrubber`) is replaced in the finished text, so a
 * secret inside an error message or a stack is caught as well. Without a file and stderr, nothing is
 * built at all (level silent).
 */
export class AppLog {
  readonly logger: Logger
  readonly file: RotatingFile | null
  private scrubber: (line: string) => string = (s) => s
  private recent: RecentError[] = []

  constructor(private readonly opts: LogOptions) {
    this.file = opts.file
      ? new RotatingFile(join(opts.file.dataDir, LOGS_DIR), opts.clock, opts.file.retentionDays)
      : null
    const toStderr = Boolean(opts.stderr)
    const active = this.file !== null || toStderr
    const sink = {
      write: (raw: string) => {
        const line = this.scrubber(raw)
        this.file?.write(line)
        if (toStderr) process.stderr.write(line)
        if (/"level":(50|60)[,}]/.test(line)) this.remember(line)
      },
    }
    this.logger = pino(
      {
        level: active ? opts.level : 'silent',
        base: { pid: process.pid },
        timestamp: () => `,"time":"${new Date(opts.clock.now()).toISOString()}"`,
        formatters: {
          level: (label, number) => ({ level: number, levelName: label }),
          log: (obj) => maskSecretKeys(obj) as Record<string, unknown>,
        },
        serializers: { err: pino.stdSerializers.err },
      },
      sink,
    )
  }

  get dir(): string | null {
    return this.file?.dir ?? null
  }

  /** Installs the function that replaces stored secret values in a finished line. */
  useScrubber(fn: (line: string) => string): void {
    this.scrubber = (line) => {
      try {
        return fn(line)
      } catch {
        // The stored secrets could not be read (the vault is closing): the line may not go out unscrubbed.
        const level = /"level":(\d+)/.exec(line)?.[1] ?? '50'
        return `{"level":${level},"time":"${new Date(this.opts.clock.now()).toISOString()}","msg":"a log line was withheld: its secrets could not be checked"}\n`
      }
    }
  }

  setLevel(level: LogLevel): void {
    if (this.logger.level !== 'silent') this.logger.level = level
  }

  setRetention(days: number): void {
    this.file?.setRetention(days)
  }

  /** The last error lines, newest last (for the diagnostics bundle). */
  recentErrors(): RecentError[] {
    return [...this.recent]
  }

  flush(): void {
    this.file?.flushSync()
  }

  close(): void {
    this.file?.close()
  }

  private remember(line: string): void {
    try {
      this.recent.push(JSON.parse(line) as RecentError)
      if (this.recent.length > RECENT_MAX) this.recent.shift()
    } catch {
      // Not one JSON line: nothing to keep.
    }
  }
}

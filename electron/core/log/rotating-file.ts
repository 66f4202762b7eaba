import { chmodSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import type { Clock } from '../clock'
import { localDay, nextLocalMidnight } from '../local-day'

export const LOG_PREFIX = 'keybridge-'
export const LOG_SUFFIX = '.log'
const FILE_RE = /^keybridge-(\d{4}-\d{2}-\d{2})\.log$/

/** `keybridge-YYYY-MM-DD.log` files of a folder, oldest first. */
export function logFiles(dir: string): { day: string; path: string }[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .map((n) => FILE_RE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ day: m[1], path: join(dir, m[0]) }))
    .sort((a, b) => a.day.localeCompare(b.day))
}

type Sink = ReturnType<typeof pino.destination>

/**
 * A pino destination writing JSON lines to `logs/keybridge-<local date>.log`, switching file at local
 * midnight and deleting files older than the retention. Written here rather than with pino-roll: pino-roll
 * takes its time from Date.now and setTimeout, so rotation could not follow the injected Clock (tests move
 * it across midnight and across 30 days). The checks cost one comparison per line; the writes go through
 * pino's own SonicBoom, synchronously: at the default level a line is an event (start, stop, failure),
 * not a call, and a synchronous write means the last lines before a crash are on disk. Files are 0600
 * in a 0700 folder.
 */
export class RotatingFile {
  private sink: Sink | null = null
  private day = ''
  private rotateAt = 0

  constructor(
    readonly dir: string,
    private readonly clock: Clock,
    private retentionDays: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  get currentFile(): string {
    return join(this.dir, `${LOG_PREFIX}${this.day || localDay(this.clock.now())}${LOG_SUFFIX}`)
  }

  setRetention(days: number): void {
    this.retentionDays = days
    this.prune()
  }

  write(line: string): void {
    const now = this.clock.now()
    if (now >= this.rotateAt || !this.sink) this.open(now)
    this.sink!.write(line)
  }

  /** Everything written so far reaches the file (tests, diagnostics, shutdown). */
  flushSync(): void {
    try {
      this.sink?.flushSync()
    } catch {
      // A write in flight finishes on its own; nothing else is buffered.
    }
  }

  close(): void {
    const s = this.sink
    this.sink = null
    if (!s) return
    this.flushSync()
    s.end()
  }

  private open(now: number): void {
    const day = localDay(now)
    this.rotateAt = nextLocalMidnight(now)
    if (this.sink && day === this.day) return
    this.close()
    this.day = day
    // Opened here so the stream is ready at once (SonicBoom cannot flush before its file is open).
    const fd = openSync(this.currentFile, 'a', 0o600)
    try {
      chmodSync(this.currentFile, 0o600)
    } catch {
      // A file system without modes (FAT): nothing to tighten.
    }
    this.sink = pino.destination({ fd, sync: true })
    this.prune()
  }

  /** Deletes files whose day is older than the retention (today counts as day 1). */
  prune(): void {
    const cutoff = new Date(this.clock.now())
    cutoff.setHours(0, 0, 0, 0)
    cutoff.setDate(cutoff.getDate() - (this.retentionDays - 1))
    const oldest = localDay(cutoff.getTime())
    for (const f of logFiles(this.dir)) {
      if (f.day >= oldest) continue
      try {
        if (statSync(f.path).isFile()) unlinkSync(f.path)
      } catch {
        // Already gone, or not ours to remove.
      }
    }
  }
}

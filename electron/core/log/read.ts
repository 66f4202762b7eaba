import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { LOG_LEVEL_VALUES, type LogLevel } from './logger'
import { localDay } from '../local-day'
import { logFiles } from './rotating-file'

export interface LogLine {
  time: string
  level: number
  levelName?: string
  msg?: string
  [key: string]: unknown
}

export interface LogQuery {
  /** Epoch ms: lines at or after it. */
  since?: number
  /** The lowest level shown. */
  level?: LogLevel
}

function parse(text: string, q: LogQuery): LogLine[] {
  const min = q.level ? LOG_LEVEL_VALUES[q.level] : 0
  const out: LogLine[] = []
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue
    let line: LogLine
    try {
      line = JSON.parse(raw) as LogLine
    } catch {
      continue // a line cut by a crash
    }
    if (typeof line.level !== 'number' || line.level < min) continue
    if (q.since !== undefined && !(Date.parse(line.time) >= q.since)) continue
    out.push(line)
  }
  return out
}

/** The lines of every log file in `dir` matching the query, oldest first. */
export function readLogs(dir: string, q: LogQuery = {}): LogLine[] {
  const fromDay = q.since === undefined ? '' : localDay(q.since)
  const out: LogLine[] = []
  for (const f of logFiles(dir)) {
    if (f.day < fromDay) continue
    try {
      out.push(...parse(readFileSync(f.path, 'utf8'), q))
    } catch {
      // Removed by retention meanwhile.
    }
  }
  return out
}

/**
 * Calls `onLines` with lines appended to the newest log file (and to the next day's file when it
 * appears), polling every `intervalMs`. Returns a stop function.
 */
export function followLogs(
  dir: string,
  q: LogQuery,
  onLines: (lines: LogLine[]) => void,
  intervalMs = 500,
): () => void {
  let file = logFiles(dir).at(-1)?.path ?? null
  let offset = file ? statSync(file).size : 0
  let partial = ''
  const tick = () => {
    const newest = logFiles(dir).at(-1)?.path ?? null
    if (newest !== file) {
      file = newest
      offset = 0
      partial = ''
    }
    if (!file) return
    let size: number
    try {
      size = statSync(file).size
    } catch {
      return
    }
    if (size <= offset) return
    const buf = Buffer.alloc(size - offset)
    const fd = openSync(file, 'r')
    try {
      readSync(fd, buf, 0, buf.length, offset)
    } finally {
      closeSync(fd)
    }
    offset = size
    const text = partial + buf.toString('utf8')
    const cut = text.lastIndexOf('\n')
    partial = text.slice(cut + 1)
    const lines = parse(text.slice(0, cut + 1), q)
    if (lines.length) onLines(lines)
  }
  const timer = setInterval(tick, intervalMs)
  return () => clearInterval(timer)
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}
const SKIP = new Set(['time', 'level', 'levelName', 'msg', 'pid'])

/** One readable line: `time LEVEL message key=value ...` (the stack on the lines after). */
export function formatLogLine(l: LogLine): string {
  const extra: string[] = []
  let stack: string | undefined
  for (const [k, v] of Object.entries(l)) {
    if (SKIP.has(k)) continue
    if (k === 'err' && v && typeof v === 'object') {
      const e = v as { type?: string; message?: string; code?: string; stack?: string }
      extra.push(`err=${e.type ?? 'Error'}${e.code ? `(${e.code})` : ''}: ${e.message ?? ''}`)
      stack = e.stack?.split('\n').slice(1).join('\n')
      continue
    }
    extra.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  }
  const head = `${l.time} ${(LEVEL_NAMES[l.level] ?? String(l.level)).padEnd(5)} ${l.msg ?? ''}`
  return [head + (extra.length ? '  ' + extra.join(' ') : ''), ...(stack ? [stack] : [])].join('\n')
}

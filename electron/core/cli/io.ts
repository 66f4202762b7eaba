import { readFileSync } from 'node:fs'
import type { CliIO, ProgressBar } from './spec'

/** Reads a line from the terminal with echo off. */
function promptHidden(question: string): Promise<string | undefined> {
  const stdin = process.stdin
  if (!stdin.isTTY) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    process.stderr.write(question)
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    let value = ''
    const done = (v: string | undefined) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.removeListener('data', onData)
      process.stderr.write('\n')
      resolve(v)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(value)
        if (ch === '\u0003') return done(undefined)
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  promptSecret: promptHidden,
  isTTY: Boolean(process.stdout.isTTY),
  readStdin: async (question = 'Value: ') => {
    // A terminal: ask (no echo) rather than wait for Ctrl+D.
    if (process.stdin.isTTY) return (await promptHidden(question)) ?? ''
    const chunks: Buffer[] = []
    for await (const c of process.stdin) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
  status: process.stderr.isTTY ? (t) => void process.stderr.write(t) : undefined,
}

const BAR_WIDTH = 24
const REDRAW_MS = 80

/** One line of the bar: `label [#######.........]  42%  detail`. */
export function renderBar(label: string, done: number, total: number, detail?: string): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0
  const filled = Math.round(ratio * BAR_WIDTH)
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4)
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${pct}${detail ? `  ${detail}` : ''}`
}

/**
 * A progress bar redrawn in place (carriage return + erase line) at most every 80 ms; nothing at
 * all when stderr is not a terminal, so piped output and logs stay clean.
 */
export function createProgressBar(io: CliIO, label: string, now: () => number = Date.now): ProgressBar {
  const write = io.status
  if (!write) return { update() {}, done() {} }
  let last = -Infinity
  let drawn = false
  let lastDetail: string | undefined
  return {
    update(done, total, detail) {
      const t = now()
      const final = total > 0 && done >= total
      if (t - last < REDRAW_MS && !final && detail === lastDetail) return
      last = t
      lastDetail = detail
      drawn = true
      write(`\r\x1b[2K${renderBar(label, done, total, detail)}`)
    },
    done() {
      if (drawn) write('\r\x1b[2K')
      drawn = false
    },
  }
}

/** A secret's first line (trailing newline ignored, like `pass` and Docker secrets). */
export function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? ''
}

/** A secret file's first line. */
export function readSecretFile(path: string): string {
  return firstLine(readFileSync(path, 'utf8'))
}

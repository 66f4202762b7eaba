import { readFileSync } from 'node:fs'
import type { CliIO } from './spec'

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
}

/** A secret file's first line (trailing newline ignored, like `pass` and Docker secrets). */
export function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? ''
}

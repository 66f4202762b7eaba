import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { runCli, type RunOptions } from '../../electron/core/cli/main'
import type { CliIO } from '../../electron/core/cli/spec'
import { TEST_KDF } from './core'

/** The launcher `npx keybridge` runs. */
export const BIN = join(__dirname, '../../electron/core/bin/keybridge.cjs')

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  out: string
  err: string
  ms: number
}

/** Spawns the real command (a separate Node process) and collects its output and exit status. */
export function spawnCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const started = performance.now()
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  child.stdin.end(opts.input ?? '')
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, out, err, ms: performance.now() - started })
    })
  })
}

/** Runs one command in-process with the cheap test KDF (for setting up a vault quickly). */
export async function cliInProcess(
  argv: string[],
  env: Record<string, string | undefined>,
  /** The OS keychain, as inside the desktop app (`Keybridge --cli`). */
  opts: Pick<RunOptions, 'osProtector'> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = {
    out: (s) => void (out += s + '\n'),
    err: (s) => void (err += s + '\n'),
    promptSecret: async () => undefined,
    isTTY: false,
  }
  const code = await runCli(argv, { io, env, kdf: TEST_KDF, ...opts })
  return { code, out, err }
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createCore, type Core } from '../../../electron/core/app'
import { tempDir } from '../../helpers/core'

const ROOT = join(__dirname, '../../..')
export const KEYBRIDGE_BIN = join(ROOT, 'electron/core/bin/keybridge.cjs')
export const SERVE_PASSWORD = 'bench master password, long enough'

function cli(args: string[], env: Record<string, string>): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KEYBRIDGE_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.status !== 0) {
    throw new Error(
      `keybridge ${args[0]} ${args[1] ?? ''} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`,
    )
  }
  return { stdout: r.stdout, stderr: r.stderr }
}

export interface PreparedVault {
  dataDir: string
  password: string
  /** The (first) client token, as `keybridge token create` printed it once. */
  token: string
  /** Every token created (`tokens` of them). */
  tokens: string[]
  cleanup(): void
}

/**
 * A data dir set up the way a user does it headless: `keybridge init`, bridge settings through the core
 * (the same IPC the desktop's settings screen calls), then `keybridge token create`.
 */
export async function prepareVault(o: {
  rateLimitPerMinute?: number
  /** Extra setup on the unlocked core (instances, tool permissions). */
  setup?: (core: Core) => Promise<void>
  tokenName?: string
  /** How many client tokens to create (load spreads its clients over them). */
  tokens?: number
}): Promise<PreparedVault> {
  const t = tempDir('kb-serve-')
  const env = { KEYBRIDGE_PASSWORD: SERVE_PASSWORD }
  try {
    cli(['init', '--data-dir', t.dir, '--json'], env)
    const core = await createCore({ dataDir: t.dir, runtime: 'node', env: {} })
    try {
      const unlocked = await core.invoke('vault.unlock', { password: SERVE_PASSWORD }, { actor: 'cli' })
      if (!unlocked.ok) throw new Error(`unlock failed: ${unlocked.error.message}`)
      if (o.rateLimitPerMinute) {
        const r = await core.invoke(
          'bridge.config.set',
          { rateLimitPerMinute: o.rateLimitPerMinute },
          { actor: 'cli' },
        )
        if (!r.ok) throw new Error(`bridge.config.set failed: ${r.error.message}`)
      }
      await o.setup?.(core)
    } finally {
      await core.close()
    }
    const tokens: string[] = []
    for (let i = 0; i < (o.tokens ?? 1); i++) {
      const name = `${o.tokenName ?? 'bench'}${i ? `-${i + 1}` : ''}`
      const created = cli(['token', 'create', '--name', name, '--data-dir', t.dir, '--json'], env)
      const token = (JSON.parse(created.stdout) as { token?: string }).token
      if (!token?.startsWith('kb_')) throw new Error('token create printed no kb_ token')
      tokens.push(token)
    }
    return { dataDir: t.dir, password: SERVE_PASSWORD, token: tokens[0], tokens, cleanup: t.cleanup }
  } catch (e) {
    t.cleanup()
    throw e
  }
}

export interface ServeProcess {
  host: string
  port: number
  /** http://host:port (no path). */
  base: string
  pid: number
  child: ChildProcess
  /** Everything it printed so far (stdout and stderr), for error reports. */
  output(): string
  /** SIGTERM to the launcher (it forwards it), then SIGKILL after 10 s; resolves with how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** `keybridge serve --port 0` as a child process; resolves once it printed its URL. */
export function startServe(
  v: PreparedVault,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [KEYBRIDGE_BIN, 'serve', '--data-dir', v.dataDir, '--port', '0', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, KEYBRIDGE_PASSWORD: v.password, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exitP = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      resolve(exited)
    }),
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`keybridge serve printed no URL within 60 s: ${out.slice(-300)}`))
    }, 60_000)
    const onData = (d: Buffer) => {
      out += d.toString('utf8')
      const m = /http:\/\/(127\.0\.0\.1|localhost|\[::1\]):(\d+)/.exec(out)
      if (m && Number(m[2]) > 0) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        child.stdout!.on('data', (x: Buffer) => (out += x.toString('utf8')))
        const host = m[1] === '[::1]' ? '::1' : m[1]
        resolve({
          host,
          port: Number(m[2]),
          base: `http://${m[1]}:${m[2]}`,
          // The bridge runs in its own process under the launcher (it prints its pid): measure that one.
          pid: Number(/\(process (\d+)\)/.exec(out)?.[1] ?? child.pid),
          child,
          output: () => out,
          async stop() {
            if (exited) return exited
            child.kill('SIGTERM')
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
            const r = await exitP
            clearTimeout(kill)
            return r
          },
        })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(
        new Error(
          `keybridge serve exited with code ${code} before printing its URL: ${out.trim().slice(-300)}`,
        ),
      )
    })
  })
}

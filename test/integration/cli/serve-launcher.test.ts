import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processAlive } from '../../../electron/core/cli/bridge-status-file'
import { tempDir } from '../../helpers/core'
import { BIN, cliInProcess, spawnCli } from '../../helpers/cli-process'

// `keybridge serve` through the launcher `npx keybridge` runs: signals reach the bridge process,
// which stops and frees its port; nothing outlives the launcher; the bridge process (the parent
// of every upstream server) never holds the master password in its environment or command line.
const PASSWORD = 'serve launcher password, kept out of /proc'
const SPY = join(__dirname, '../../fakes/mcp/proc-spy-server.mjs')
const t = tempDir('kb-cli-serve-')
const spyOut = join(t.dir, 'spy.json')
const passwordFile = join(t.dir, 'password.txt')

interface Served {
  launcher: ChildProcess
  bridgePid: number
  port: number
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function serve(env: Record<string, string | undefined>, extra: string[] = []): Promise<Served> {
  const launcher = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', t.dir, ...extra], {
    env: { ...process.env, KEYBRIDGE_PASSWORD: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    launcher.on('exit', (code, signal) => r({ code, signal })),
  )
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 30_000)
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp \(process (\d+)\)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ launcher, port: Number(m[1]), bridgePid: Number(m[2]), exited })
      }
    }
    launcher.stdout!.on('data', onData)
    launcher.stderr!.on('data', onData)
    void exited.then(() => reject(new Error(`serve exited early: ${out}`)))
  })
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port })
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(true))
  })

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  const env = { KEYBRIDGE_PASSWORD: PASSWORD }
  expect((await cliInProcess(['init', '--data-dir', t.dir], env)).code).toBe(0)
  const added = await cliInProcess(
    [
      'upstream',
      'add',
      '--name',
      'spy',
      '--command',
      process.execPath,
      '--arg',
      SPY,
      '--arg',
      spyOut,
      '--data-dir',
      t.dir,
    ],
    env,
  )
  expect(added.code).toBe(0)
  writeFileSync(passwordFile, PASSWORD + '\n', { mode: 0o600 })
})
afterAll(() => t.cleanup())

describe('keybridge serve through the launcher', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the launcher stops the bridge process: exit 0, port free, no orphan`, async () => {
      const s = await serve({ KEYBRIDGE_PASSWORD: PASSWORD })
      expect(s.bridgePid).not.toBe(s.launcher.pid)
      expect(await portFree(s.port)).toBe(false)
      s.launcher.kill(signal)
      expect(await s.exited).toEqual({ code: 0, signal: null })
      expect(processAlive(s.bridgePid)).toBe(false)
      expect(await portFree(s.port)).toBe(true)
      expect(existsSync(join(t.dir, 'bridge-status.json'))).toBe(false)
    })
  }

  it('a launcher killed outright (SIGKILL) takes the bridge process with it', async () => {
    const s = await serve({ KEYBRIDGE_PASSWORD: PASSWORD })
    s.launcher.kill('SIGKILL')
    await s.exited
    await until('the bridge process to stop', () => !processAlive(s.bridgePid))
    await until('the port to be free', () => portFree(s.port))
  })

  for (const [how, env, extra] of [
    ['KEYBRIDGE_PASSWORD', { KEYBRIDGE_PASSWORD: PASSWORD }, []],
    ['--password-file', {}, ['--password-file', passwordFile]],
  ] as const) {
    it(`password from ${how}: not in the bridge process's environment or command line, nor the upstream's`, async () => {
      rmSync(spyOut, { force: true })
      const s = await serve(env, [...extra])
      try {
        await until('the upstream spy to report', () => existsSync(spyOut))
        const spy = JSON.parse(readFileSync(spyOut, 'utf8')) as {
          ppid: number
          parentEnviron: string
          parentCmdline: string
          ownEnv: Record<string, string>
        }
        expect(spy.ppid).toBe(s.bridgePid)
        expect(spy.parentEnviron).toContain('PATH=') // it could read it: the check is real
        expect(spy.parentCmdline).toContain('serve')
        expect(spy.parentEnviron).not.toContain(PASSWORD)
        expect(spy.parentCmdline).not.toContain(PASSWORD)
        expect(JSON.stringify(spy.ownEnv)).not.toContain(PASSWORD)
        expect(Object.keys(spy.ownEnv).filter((k) => k.startsWith('KEYBRIDGE'))).toEqual([])
      } finally {
        s.launcher.kill('SIGTERM')
        await s.exited
      }
    })
  }

  it('a wrong password: the bridge process says so and the launcher exits 1', async () => {
    const r = await spawnCli(['serve', '--port', '0', '--data-dir', t.dir], {
      env: { KEYBRIDGE_PASSWORD: 'wrong wrong wrong' },
    })
    expect(r.code).toBe(1)
    expect(r.err.trim()).toBe('keybridge: That master password is not correct.')
  })
})

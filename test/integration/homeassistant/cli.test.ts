import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { closedPort, startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
const PASSWORD = 'a long enough master password'
let ha: FakeHomeAssistant
let data: { dir: string; cleanup(): void }
const printed: string[] = []

async function kb(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    promptSecret: async () => undefined,
    isTTY: false,
  }
  const code = await runCli([...argv, '--data-dir', data.dir], {
    io,
    env: { KEYBRIDGE_PASSWORD: PASSWORD },
    kdf: TEST_KDF,
  })
  printed.push(...out, ...err)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

beforeAll(async () => {
  ha = await startFakeHomeAssistant()
  data = tempDir()
  expect((await kb('init')).code).toBe(0)
})
afterAll(async () => {
  await ha.close()
  data.cleanup()
})

describe('keybridge ha', () => {
  it('adds an instance after probing it, and lists it with --json', async () => {
    const add = await kb(
      'ha',
      'add',
      '--name',
      'Home',
      '--url',
      ha.url,
      '--token',
      ha.token,
      '--domains',
      'light, switch',
      '--json',
    )
    expect(add.code).toBe(0)
    const saved = JSON.parse(add.out)
    expect(saved.instance).toMatchObject({ name: 'Home', url: ha.url, allowedDomains: ['light', 'switch'] })
    expect(saved.probe).toMatchObject({ reachable: true, version: ha.version, entityCount: ha.states.size })

    const human = await kb('ha', 'list')
    expect(human.out).toMatch(/^Home {2}http:\/\/127\.0\.0\.1:\d+ {2}domains: light,switch {2}last test: ok/)
    const list = JSON.parse((await kb('ha', 'list', '--json')).out)
    expect(list).toEqual([
      expect.objectContaining({ name: 'Home', slug: 'home', allowedDomains: ['light', 'switch'] }),
    ])
  })

  it('refuses an unreachable or unauthorised instance unless --no-validate', async () => {
    const bad = await kb('ha', 'add', '--name', 'Cabin', '--url', ha.url, '--token', 'wrong-token', '--json')
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.err).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/--no-validate/),
    })
    const port = await closedPort()
    const down = await kb(
      'ha',
      'add',
      '--name',
      'Cabin',
      '--url',
      `http://127.0.0.1:${port}`,
      '--token',
      ha.token,
    )
    expect(down.code).toBe(1)
    expect(down.err).toMatch(/connection refused/)
    expect(JSON.parse((await kb('ha', 'list', '--json')).out)).toHaveLength(1)

    const tokenFile = join(data.dir, 'ha-token.txt')
    writeFileSync(tokenFile, 'wrong-token\n')
    const forced = await kb(
      'ha',
      'add',
      '--name',
      'Cabin',
      '--url',
      `http://127.0.0.1:${port}`,
      '--token-file',
      tokenFile,
      '--no-validate',
    )
    expect(forced.code).toBe(0)
    expect(forced.out).toMatch(/not tested/)
    const test = await kb('ha', 'test', 'cabin', '--json')
    expect(test.code).toBe(1)
    expect(JSON.parse(test.out)).toMatchObject({ name: 'Cabin', reachable: false, reason: 'unreachable' })
    expect((await kb('ha', 'rm', 'Cabin')).out).toBe('Removed Home Assistant "Cabin".')
  })

  it('exits 2 on usage errors', async () => {
    expect((await kb('ha', 'add', '--name', 'X')).code).toBe(2)
    expect((await kb('ha', 'test')).code).toBe(2)
    expect((await kb('ha', 'test', 'Home', '--timeout', 'soon')).code).toBe(2)
    expect((await kb('ha', 'rm', 'Nope')).code).toBe(1)
  })

  it('tests a stored instance through the real keybridge command', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'ha', 'test', 'Home', '--json', '--data-dir', data.dir],
      {
        env: { ...process.env, KEYBRIDGE_PASSWORD: PASSWORD },
        encoding: 'utf8',
      },
    )
    const r = JSON.parse(stdout)
    expect(r).toMatchObject({
      reachable: true,
      reason: 'ok',
      version: ha.version,
      locationName: 'Maple Street',
      entityCount: ha.states.size,
      warnings: [],
    })
    expect(r.latencyMs).toEqual(expect.any(Number))
  })

  it('never prints the token', () => {
    expect(printed.join('\n')).not.toContain(ha.token)
    expect(printed.join('\n')).not.toContain('wrong-token')
  })
})

import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { startFake, type FakeServer } from '../../fakes/providers/fake-server'
import { GITHUB_PAT, githubFake } from '../../fakes/providers/github'

const BAD = 'ghp_wrongwrongwrongwrongwrong0002'
let github: FakeServer
let dir: { dir: string; cleanup(): void }
let env: Record<string, string>

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = {
    out: (t) => void (out += t + '\n'),
    err: (t) => void (err += t + '\n'),
    promptSecret: async () => undefined,
    isTTY: false,
  }
  const code = await runCli(['--data-dir', dir.dir, ...argv], { io, env, kdf: TEST_KDF })
  for (const s of [GITHUB_PAT, BAD]) {
    expect(out).not.toContain(s)
    expect(err).not.toContain(s)
  }
  return { code, out, err }
}

beforeAll(async () => {
  github = await startFake(githubFake.spec)
  dir = tempDir()
  env = { KEYBRIDGE_PASSWORD: 'a long enough master password', KEYBRIDGE_GITHUB_BASE_URL: github.url }
  expect((await cli('init')).code).toBe(0)
})
afterAll(async () => {
  await github.close()
  dir.cleanup()
})

describe('keybridge services / credential add / credential validate', () => {
  it('lists the catalog, as text and as JSON', async () => {
    const text = await cli('services')
    expect(text.code).toBe(0)
    expect(text.out).toContain('github')
    const json = await cli('services', '--json')
    const list = JSON.parse(json.out) as {
      id: string
      authKind: string
      fields: { key: string; secret: boolean }[]
    }[]
    expect(list.find((s) => s.id === 'linear')).toMatchObject({
      authKind: 'api_key',
      fields: [{ key: 'apiKey', secret: true }],
    })
  })

  it('refuses a credential the service rejects: exit 1, nothing stored', async () => {
    const r = await cli(
      'credential',
      'add',
      '--service',
      'github',
      '--name',
      'work',
      '--field',
      `token=${BAD}`,
      '--json',
    )
    expect(r.code).toBe(1)
    expect(JSON.parse(r.err).error.code).toBe('VALIDATION_FAILED')
    const again = await cli('credential', 'validate', '--all', '--json')
    expect(JSON.parse(again.out).results).toEqual([])
  })

  it('adds a valid credential, stores one unvalidated with --no-validate, validates one and all', async () => {
    const added = await cli(
      'credential',
      'add',
      '--service',
      'github',
      '--name',
      'work',
      '--field',
      `token=${GITHUB_PAT}`,
    )
    expect(added.code).toBe(0)
    expect(added.out).toContain('Saved github/work (octocat), status active.')

    const later = await cli(
      'credential',
      'add',
      '--service',
      'github',
      '--name',
      'later',
      '--field',
      `token=${BAD}`,
      '--no-validate',
      '--json',
    )
    expect(later.code).toBe(0)
    expect(JSON.parse(later.out).credential.status).toBe('unvalidated')

    const one = await cli('credential', 'validate', 'github/work')
    expect(one.code).toBe(0)
    expect(one.out).toContain('github/work: active.')

    const all = await cli('credential', 'validate', '--all', '--json')
    expect(all.code).toBe(1) // "later" holds a bad token
    const results = JSON.parse(all.out).results as { ref: string; status: string }[]
    expect(results.map((r) => [r.ref, r.status])).toEqual([
      ['github/work', 'active'], // the primary comes first
      ['github/later', 'invalid'],
    ])
  })

  it('reports usage errors with exit 2', async () => {
    expect((await cli('credential', 'validate')).code).toBe(2)
    expect((await cli('credential', 'add', '--service', 'github')).code).toBe(2)
    expect((await cli('credential', 'add', '--service', 'nope', '--name', 'x')).code).toBe(2)
    expect(
      (await cli('credential', 'add', '--service', 'github', '--name', 'x', '--field', 'novalue')).code,
    ).toBe(2)
  })

  it('runs as the real command (tsx + oauth4webapi through require)', () => {
    const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
    const r = spawnSync(process.execPath, [bin, 'services', '--json'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(15)
  })
})

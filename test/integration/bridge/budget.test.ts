import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { makeCore, TEST_KDF, TEST_PASSWORD, tempDir } from '../../helpers/core'

describe('per-token tool budget: token list and client-config say how many tools a token exposes', () => {
  const t = tempDir('kb-budget-')
  let oneHomeToken = ''
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const io: CliIO = {
      out: (s) => (out += s + '\n'),
      err: (s) => (err += s + '\n'),
      promptSecret: async () => undefined,
      isTTY: false,
    }
    const code = await runCli([...argv, '--data-dir', t.dir], {
      io,
      env: { KEYBRIDGE_PASSWORD: TEST_PASSWORD },
      kdf: TEST_KDF,
    })
    return { code, out, err }
  }

  beforeAll(async () => {
    // 33 Home Assistant instances × 4 tools = 132: over Cursor's 40 and VS Code's 128.
    const core = await makeCore({ dataDir: t.dir, unlocked: true })
    for (let i = 1; i <= 33; i++) {
      const r = await core.invoke('homeassistant.add', {
        name: `Home ${i}`,
        url: `http://127.0.0.1:9/${i}`,
        token: `token-${i}-abcdefgh`,
        validate: false,
      })
      expect(r.ok).toBe(true)
    }
    await core.close()
  }, 60_000)
  afterAll(() => t.cleanup())

  it('counts the tools each token sees and warns past 40 and 128', async () => {
    expect((await cli('token', 'create', '--name', 'Everything')).code).toBe(0)
    const oneHome = await cli(
      'token',
      'create',
      '--name',
      'One home',
      '--scope',
      'homeassistant/home_1/*',
      '--json',
    )
    expect(oneHome.code).toBe(0)
    oneHomeToken = (JSON.parse(oneHome.out) as { token: string }).token
    const human = await cli('token', 'list')
    expect(human.code).toBe(0)
    const row = (name: string) => human.out.split('\n').find((l) => l.startsWith(name))!
    expect(row('Everything').trim().endsWith(' 132')).toBe(true)
    expect(row('One home').trim().endsWith(' 4')).toBe(true)
    expect(human.out).toMatch(/warning: "Everything": 132 tools is more than VS Code handles \(128\)/)
    expect(human.out).toMatch(/warning: "Everything": 132 tools is more than Cursor handles \(40\)/)
    expect(human.out).not.toMatch(/"One home":/)
    const json = JSON.parse((await cli('token', 'list', '--json')).out) as {
      name: string
      toolCount: number
    }[]
    expect(Object.fromEntries(json.map((x) => [x.name, x.toolCount]))).toEqual({
      Everything: 132,
      'One home': 4,
    })
  })

  it('client-config cursor warns when the token exposes more than Cursor handles', async () => {
    const wide = await cli('client-config', 'cursor', '--token-name', 'Everything')
    expect(wide.code).toBe(0)
    expect(wide.err).toMatch(/warning: "Everything 2" exposes 132 tools; Cursor handles about 40/)
    const narrow = await cli(
      'client-config',
      'cursor',
      '--token-name',
      'One home',
      '--token',
      oneHomeToken,
      '--json',
    )
    expect(JSON.parse(narrow.out)).toMatchObject({ warnings: [], summary: { toolCount: 4 } })
    expect((await cli('client-config', 'lmstudio', '--token-name', 'Everything')).err).not.toMatch(/warning/)
  })
})

import Database from 'better-sqlite3'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, VAULT_FILE } from '../../../electron/core/app'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { FileKeychain } from '../../../electron/core/vault/file-keychain'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { cliInProcess, spawnCli } from '../../helpers/cli-process'

// The real command: the master password is checked before anything, a folder without a vault is
// refused without creating anything, a damaged vault is named and never written to, typos get a hint.
const PASSWORD = 'vault access test password'
const WRONG = { KEYBRIDGE_PASSWORD: 'not the password at all' }
const RIGHT = { KEYBRIDGE_PASSWORD: PASSWORD }
const t = tempDir('kb-cli-access-')
const run = (argv: string[], env: Record<string, string | undefined> = RIGHT) =>
  spawnCli([...argv, '--data-dir', t.dir], { env })

beforeAll(async () => {
  expect((await cliInProcess(['init', '--data-dir', t.dir], RIGHT)).code).toBe(0)
})
afterAll(() => t.cleanup())

describe('a wrong master password', () => {
  it('is refused by reading and writing commands alike, audited, and token create mints nothing', async () => {
    for (const argv of [
      ['credential', 'list'],
      ['token', 'create', '--name', 'Intruder'],
      ['audit'],
      ['token', 'list', '--json'],
    ]) {
      const r = await run(argv, WRONG)
      expect(r.code, argv.join(' ')).toBe(1)
      expect(r.out).toBe('')
      expect(r.err.trim()).toBe(
        argv.includes('--json')
          ? JSON.stringify({
              error: { code: 'BAD_PASSWORD', message: 'That master password is not correct.' },
            })
          : 'keybridge: That master password is not correct.',
      )
    }
    const tokens = await run(['token', 'list', '--json'])
    expect(tokens.code).toBe(0)
    expect(JSON.parse(tokens.out)).toEqual([])
    const audit = JSON.parse((await run(['audit', '--json', '--action', 'unlocked'])).out) as {
      outcome: string
      actor: string
    }[]
    expect(audit.filter((e) => e.outcome === 'denied' && e.actor === 'cli')).toHaveLength(4)
  })

  it('lock-status needs no password and says so; a wrong one given is still refused', async () => {
    const none = await run(['lock-status', '--json'], { KEYBRIDGE_PASSWORD: undefined })
    expect(none.code).toBe(0)
    expect(JSON.parse(none.out)).toMatchObject({ initialized: true, passwordChecked: false })
    const human = await run(['lock-status'], { KEYBRIDGE_PASSWORD: undefined })
    expect(human.out).toContain('Master password: not checked (none given; lock-status needs none)')
    expect(JSON.parse((await run(['lock-status', '--json'])).out).passwordChecked).toBe(true)
    // The fifth wrong password in this vault (the vault throttles from here on): last.
    expect((await run(['lock-status'], WRONG)).code).toBe(1)
  })
})

describe('a folder without a vault', () => {
  it('is refused with the way to create one, and nothing is created', async () => {
    const missing = join(t.dir, 'no-such-folder')
    for (const argv of [['credential', 'list'], ['lock-status'], ['token', 'create', '--name', 'x']]) {
      const r = await spawnCli([...argv, '--data-dir', missing], { env: RIGHT })
      expect(r.code).toBe(1)
      expect(r.err.trim()).toBe(
        `keybridge: No vault in ${missing}. Create one with keybridge init --data-dir ${missing}.`,
      )
      expect(existsSync(missing)).toBe(false)
    }
  })
})

describe('a damaged vault', () => {
  it('a file that is not a database: names the file and SQLite error, points to doctor and backups', async () => {
    const d = tempDir('kb-cli-damaged-')
    try {
      const file = join(d.dir, VAULT_FILE)
      writeFileSync(file, Buffer.alloc(8192, 0x5a))
      const r = await spawnCli(['credential', 'list', '--data-dir', d.dir], { env: RIGHT })
      expect(r.code).toBe(1)
      expect(r.err).toContain(file)
      expect(r.err).toMatch(/SQLite: file is not a database/)
      expect(r.err).toContain('Nothing was changed')
      expect(r.err).toContain('keybridge doctor')
      expect(r.err).toMatch(/backup/)
      expect(readFileSync(file)).toEqual(Buffer.alloc(8192, 0x5a))
    } finally {
      d.cleanup()
    }
  })

  it('a damaged index page: found at open (quick_check), and the write is refused', async () => {
    const d = tempDir('kb-cli-damaged-index-')
    try {
      expect((await cliInProcess(['init', '--data-dir', d.dir], RIGHT)).code).toBe(0)
      const file = join(d.dir, VAULT_FILE)
      const db = new Database(file)
      const { rootpage } = db
        .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL LIMIT 1")
        .get() as { rootpage: number }
      const pageSize = db.pragma('page_size', { simple: true }) as number
      db.close()
      const bytes = readFileSync(file)
      bytes.fill(0xff, (rootpage - 1) * pageSize, (rootpage - 1) * pageSize + 64)
      writeFileSync(file, bytes)
      const r = await spawnCli(
        [
          'credential',
          'add',
          '--service',
          'github',
          '--name',
          'x',
          '--field',
          'token=-',
          '--no-validate',
          '--json',
          '--data-dir',
          d.dir,
        ],
        { env: RIGHT, input: 'ghp_damagedvaultdamagedvault0001\n' },
      )
      expect(r.code).toBe(1)
      const err = JSON.parse(r.err).error as { code: string; message: string }
      expect(err.code).toBe('VAULT_DAMAGED')
      expect(err.message).toContain(file)
      expect(readFileSync(file).equals(bytes)).toBe(true)
    } finally {
      d.cleanup()
    }
  })
})

describe('usage errors name the closest valid word (exit 2)', () => {
  it('subcommands, commands and options', async () => {
    const lst = await run(['credential', 'lst'])
    expect(lst.code).toBe(2)
    expect(lst.err).toContain('unknown command "credential lst". Did you mean "credential list"?')
    const cred = await run(['credentail', 'list'])
    expect(cred.code).toBe(2)
    expect(cred.err).toContain('Did you mean "credential"?')
    const dd = await spawnCli(['credential', 'list', '--datadir', t.dir], { env: RIGHT })
    expect(dd.code).toBe(2)
    expect(dd.err).toContain('unknown option --datadir for "credential list". Did you mean "--data-dir"?')
    expect(dd.err).not.toMatch(/ERR_PARSE_ARGS|To specify an option argument/)
    const missing = await run(['token', 'create', '--name'])
    expect(missing.code).toBe(2)
    expect(missing.err).toContain('--name needs a value')
  })
})

describe('the OS keychain (the command inside the desktop app)', () => {
  it('opens a vault it protects without a password; plain Node asks for the password instead', async () => {
    const d = tempDir('kb-cli-keychain-')
    try {
      const osProtector = new FileKeychain(join(d.dir, 'test-keychain.bin'))
      const core = await createCore({ dataDir: d.dir, runtime: 'node', env: {}, kdf: TEST_KDF, osProtector })
      await core.ctx.vault.create(
        { mode: 'keychain+password', password: PASSWORD, autoLockMinutes: 15 },
        'ui',
      )
      await core.close()
      const io = () => {
        const o = { out: '', err: '' }
        const cliIO: CliIO = {
          out: (s) => void (o.out += s + '\n'),
          err: (s) => void (o.err += s + '\n'),
          promptSecret: async () => undefined,
          isTTY: false,
        }
        return { o, cliIO }
      }
      const app = io()
      const inApp = await runCli(['credential', 'list', '--json', '--data-dir', d.dir], {
        io: app.cliIO,
        env: {},
        osProtector,
      })
      expect(inApp).toBe(0)
      expect(JSON.parse(app.o.out)).toEqual([])
      const node = io()
      expect(await runCli(['credential', 'list', '--data-dir', d.dir], { io: node.cliIO, env: {} })).toBe(1)
      expect(node.o.err).toContain('A master password is needed')
      const wrong = io()
      const given = await runCli(['credential', 'list', '--data-dir', d.dir], {
        io: wrong.cliIO,
        env: { KEYBRIDGE_PASSWORD: 'not it at all' },
        osProtector,
      })
      expect(given).toBe(1) // a password given is checked, keychain or not
    } finally {
      d.cleanup()
    }
  })
})

describe('init checks the password strength (dictionaries loaded on first use)', () => {
  it('refuses a guessable password in the bundled command and in-process alike', async () => {
    const d = tempDir('kb-cli-weak-')
    try {
      const weak = { KEYBRIDGE_PASSWORD: 'password1234' }
      const spawned = await spawnCli(['init', '--json', '--data-dir', join(d.dir, 'a')], { env: weak })
      expect(spawned.code).toBe(1)
      expect(JSON.parse(spawned.err).error.code).toBe('WEAK_PASSWORD')
      const inProcess = await cliInProcess(['init', '--json', '--data-dir', join(d.dir, 'b')], weak)
      expect(inProcess.code).toBe(1)
      expect(JSON.parse(inProcess.err).error.code).toBe('WEAK_PASSWORD')
      // Nothing is left behind: a later init with a good password is not told a vault exists.
      expect(existsSync(join(d.dir, 'a', 'vault.sqlite'))).toBe(false)
      expect(existsSync(join(d.dir, 'b', 'vault.sqlite'))).toBe(false)
    } finally {
      d.cleanup()
    }
  })

  it('refuses a bad --auto-lock as a usage error before asking for a password or creating a file', async () => {
    const d = tempDir('kb-cli-autolock-')
    try {
      const r = await spawnCli(['init', '--auto-lock', '7', '--data-dir', d.dir], {
        env: { KEYBRIDGE_PASSWORD: 'correct horse battery staple 42' },
      })
      expect(r.code).toBe(2)
      expect(r.err).toContain('--auto-lock takes one of 1|5|15|30|60|240|never')
      expect(existsSync(join(d.dir, 'vault.sqlite'))).toBe(false)
    } finally {
      d.cleanup()
    }
  })
})

describe('every command that opens the vault checks the password first', () => {
  const commands: string[][] = [
    ['credential', 'list'],
    ['credential', 'validate', '--all'],
    ['credential', 'reveal', 'github/none'],
    ['credential', 'rm', 'github/none'],
    ['audit'],
    ['token', 'list'],
    ['token', 'revoke', 'none'],
    ['tool', 'list'],
    ['upstream', 'list'],
    ['ha', 'list'],
    ['bridge', 'config'],
    ['bridge', 'config', '--rate-limit', '5'],
    ['bridge', 'status'],
    ['rotate-key'],
    ['client-config', 'cursor', '--token-name', 'x'],
  ]
  it.each(commands.map((c) => [c.join(' '), c] as const))(
    '%s: wrong password → exit 1, nothing else said',
    async (_, argv) => {
      // A vault of its own: after five wrong passwords the vault throttles unlocking (also exit 1).
      const d = tempDir('kb-cli-sweep-')
      try {
        expect((await cliInProcess(['init', '--data-dir', d.dir], RIGHT)).code).toBe(0)
        const r = await cliInProcess([...argv, '--json', '--data-dir', d.dir], WRONG)
        expect(r.code).toBe(1)
        expect(r.out).toBe('')
        expect(JSON.parse(r.err).error.code).toBe('BAD_PASSWORD')
      } finally {
        d.cleanup()
      }
    },
  )
})

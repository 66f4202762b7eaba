import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProgressBar, renderBar } from '../../../electron/core/cli/io'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { tempDir, TEST_KDF, TEST_PASSWORD } from '../../helpers/core'

const PASSPHRASE = 'a long backup passphrase'

function fakeIO(o: { tty?: boolean; answers?: string[] } = {}) {
  const out: string[] = []
  const err: string[] = []
  const status: string[] = []
  const answers = [...(o.answers ?? [])]
  const io: CliIO = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    promptSecret: async () => answers.shift(),
    isTTY: Boolean(o.tty),
    status: o.tty ? (t) => void status.push(t) : undefined,
  }
  return { io, out, err, status }
}

describe('progress bar', () => {
  it('renders label, bar, percentage and phase', () => {
    expect(renderBar('Exporting', 1, 4, 'reading')).toBe('Exporting [######..................]  25%  reading')
    expect(renderBar('x', 0, 0)).toBe('x [........................]   0%')
  })

  it('redraws in place at most every 80 ms (always for the last step and a new phase), clears when done', () => {
    const f = fakeIO({ tty: true })
    let t = 0
    const bar = createProgressBar(f.io, 'Importing', () => t)
    bar.update(1, 10, 'applying')
    t = 10
    bar.update(2, 10, 'applying') // too soon
    bar.update(2, 10, 'verifying') // new phase: drawn
    t = 200
    bar.update(5, 10, 'verifying')
    bar.update(10, 10, 'verifying') // final: drawn
    bar.done()
    expect(f.status).toHaveLength(5)
    const ERASE = '\r\x1b[2K'
    expect(f.status[0].startsWith(ERASE)).toBe(true)
    expect(f.status[0].slice(ERASE.length)).toBe(renderBar('Importing', 1, 10, 'applying'))
    expect(f.status.at(-1)).toBe('\r\x1b[2K')
  })

  it('writes nothing when stderr is not a terminal', () => {
    const f = fakeIO({ tty: false })
    const bar = createProgressBar(f.io, 'x')
    bar.update(1, 2)
    bar.done()
    expect(f.status).toEqual([])
    expect(f.err).toEqual([])
  })
})

describe('command framework: --passphrase-file, choices, --json errors', () => {
  const d = tempDir('kb-cli-unit-')
  const passFile = join(d.dir, 'pass.txt')
  const file = join(d.dir, 'b.kbbackup')
  const env = { KEYBRIDGE_PASSWORD: TEST_PASSWORD }
  const run = (argv: string[], f = fakeIO()) =>
    runCli(argv, { io: f.io, env, kdf: TEST_KDF }).then((code) => ({ code, ...f }))

  beforeAll(async () => {
    writeFileSync(passFile, `${PASSPHRASE}\r\nignored second line`)
    expect((await run(['init', '--data-dir', d.dir])).code).toBe(0)
  })
  afterAll(() => d.cleanup())

  it('offers --passphrase-file only on commands that take a passphrase', async () => {
    const exp = await run(['export', '--help'])
    expect(exp.out.join('\n')).toMatch(/--passphrase-file <value>/)
    const status = await run(['lock-status', '--help'])
    expect(status.out.join('\n')).not.toMatch(/passphrase-file/)
    const refused = await run(['lock-status', '--passphrase-file', passFile, '--json'])
    expect(refused.code).toBe(2)
    expect(JSON.parse(refused.err[0])).toMatchObject({ error: { code: 'INVALID_INPUT' } })
  })

  it('usage errors are exit 2 with one JSON error line under --json', async () => {
    const mode = await run(['import', file, '--mode', 'bogus', '--json', '--data-dir', d.dir])
    expect(mode.code).toBe(2)
    expect(mode.err).toHaveLength(1)
    expect(JSON.parse(mode.err[0])).toEqual({
      error: { code: 'INVALID_INPUT', message: '--mode must be one of merge, replace' },
    })
    expect((await run(['export', '--json', '--data-dir', d.dir])).code).toBe(2)
    expect((await run(['import', '--json', '--data-dir', d.dir])).code).toBe(2)
    const human = await run(['import', file, '--on-conflict', 'nope', '--data-dir', d.dir])
    expect(human.err[0]).toMatch(
      /^keybridge: --on-conflict must be one of skip, overwrite\nRun "keybridge --help"/,
    )
  })

  it('a prompted new passphrase must be typed twice alike, and be 12+ characters', async () => {
    const differ = await run(
      ['export', '--out', file, '--json', '--data-dir', d.dir],
      fakeIO({ answers: [PASSPHRASE, 'something else!!'] }),
    )
    expect(differ.code).toBe(1)
    expect(JSON.parse(differ.err[0]).error.message).toMatch(/differ/)
    const short = await run(
      ['export', '--out', file, '--json', '--data-dir', d.dir],
      fakeIO({ answers: ['short', 'short'] }),
    )
    expect(short.code).toBe(1)
    expect(JSON.parse(short.err[0])).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/12 characters/) },
    })
    const none = await run(['export', '--out', file, '--json', '--data-dir', d.dir])
    expect(none.code).toBe(1)
    expect(JSON.parse(none.err[0]).error.message).toMatch(
      /KEYBRIDGE_BACKUP_PASSPHRASE, pass --passphrase-file/,
    )
  })

  it('export and import with --passphrase-file; progress only on a terminal; --json result', async () => {
    const tty = fakeIO({ tty: true })
    const exp = await run(['export', '--out', file, '--passphrase-file', passFile, '--data-dir', d.dir], tty)
    expect(exp.code).toBe(0)
    expect(exp.out[0]).toMatch(/^Wrote an encrypted backup to .*b\.kbbackup/)
    expect(tty.status.some((s) => /Exporting \[/.test(s))).toBe(true)
    const imp = await run([
      'import',
      file,
      '--dry-run',
      '--json',
      '--passphrase-file',
      passFile,
      '--data-dir',
      d.dir,
    ])
    expect(imp.code).toBe(0)
    expect(imp.status).toEqual([])
    const doc = JSON.parse(imp.out.join('\n'))
    expect(doc).toMatchObject({
      applied: false,
      dryRun: true,
      mode: 'merge',
      totals: { incoming: expect.any(Number) },
    })
    const wrong = await run(
      ['import', file, '--json', '--data-dir', d.dir],
      fakeIO({ answers: ['wrong passphrase!!'] }),
    )
    expect(wrong.code).toBe(1)
    expect(JSON.parse(wrong.err[0])).toMatchObject({ error: { code: 'BAD_PASSPHRASE' } })
  })
})

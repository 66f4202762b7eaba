import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { copyFixture, FIXTURE_SECRETS } from './support'

const PASSWORD = 'a long enough master password'
let data: ReturnType<typeof tempDir>
let files: ReturnType<typeof tempDir>
const everything: string[] = []

async function kb(argv: string[], tty: { isTTY?: boolean; answer?: string } = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    promptSecret: async () => tty.answer,
    isTTY: tty.isTTY ?? false,
  }
  const code = await runCli([...argv, '--data-dir', data.dir], {
    io,
    env: { KEYBRIDGE_PASSWORD: PASSWORD },
    kdf: TEST_KDF,
  })
  everything.push(...out, ...err)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const secrets = FIXTURE_SECRETS['claude_desktop_config.json']

beforeAll(async () => {
  data = tempDir()
  files = tempDir()
  expect((await kb(['init'])).code).toBe(0)
})
afterAll(() => {
  // No secret of the fixture was ever printed, whatever the command did.
  for (const line of everything) for (const s of secrets) expect(line).not.toContain(s.value)
  data.cleanup()
  files.cleanup()
})

describe('keybridge import-config', () => {
  it('--dry-run prints exactly what would change, secrets masked, and changes nothing', async () => {
    const path = copyFixture('claude_desktop_config.json', files.dir)
    const original = readFileSync(path, 'utf8')
    const r = await kb(['import-config', path, '--dry-run', '--rewrite'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('Claude Desktop')
    expect(r.out).toContain('[x] github/github  ghp_…0001')
    expect(r.out).toContain('GITHUB_PERSONAL_ACCESS_TOKEN={{credential:github/github.token}}')
    expect(r.out).toContain('-        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_…0001"')
    expect(r.out).toContain('+    "keybridge": {')
    expect(r.out).toContain('Dry run: nothing was changed.')
    expect(readFileSync(path, 'utf8')).toBe(original)

    const json = await kb(['import-config', path, '--dry-run', '--json'])
    expect(json.code).toBe(0)
    const doc = JSON.parse(json.out)
    expect(doc.dryRun).toBe(true)
    expect(doc.plan.credentials).toHaveLength(3)
    // --json keeps its fields as they were (sentences) and adds the same as codes beside them.
    const slack = doc.plan.servers.find((s: { id: string }) => s.id === 'slack')
    expect(slack.notes.every((n: unknown) => typeof n === 'string')).toBe(true)
    expect(slack.noteCodes.map((n: { code: string }) => n.code)).toContain('reserved_name')
    expect(slack.noteCodes.map((n: { message: string }) => n.message)).toEqual(slack.notes)
    expect(doc.plan.warnings.every((w: unknown) => typeof w === 'string')).toBe(true)
    expect(doc.plan.warningCodes.map((w: { message: string }) => w.message)).toEqual(doc.plan.warnings)
    const list = await kb(['credential', 'list', '--json'])
    expect(JSON.parse(list.out)).toEqual([])
  })

  it('refuses without --yes when not on a terminal; on a terminal it asks', async () => {
    const path = copyFixture('claude_desktop_config.json', files.dir)
    const original = readFileSync(path, 'utf8')
    const refused = await kb(['import-config', path, '--rewrite'])
    expect(refused.code).toBe(2)
    expect(refused.err).toContain('confirm with --yes')
    const declined = await kb(['import-config', path, '--rewrite'], { isTTY: true, answer: 'no' })
    expect(declined.code).toBe(1)
    expect(declined.err).toContain('Nothing was imported.')
    expect(declined.err).toContain('ghp_…0001')
    expect(readFileSync(path, 'utf8')).toBe(original)
    expect(JSON.parse((await kb(['credential', 'list', '--json'])).out)).toEqual([])
  })

  it('--yes --rewrite imports, rewrites with a backup, and names taken later are conflicts', async () => {
    const path = copyFixture('claude_desktop_config.json', files.dir)
    const original = readFileSync(path, 'utf8')
    const r = await kb(['import-config', path, '--rewrite', '--yes', '--json'])
    expect(r.code, r.err).toBe(0)
    const result = JSON.parse(r.out)
    expect(
      result.credentials.map((c: { service: string; name: string }) => `${c.service}/${c.name}`),
    ).toEqual(['github/github', 'slack/slack', 'custom/remote-search'])
    // github and slack are built-in sources' names: their upstreams are named apart.
    expect(result.upstreams.map((u: { name: string }) => u.name)).toEqual([
      'github-mcp',
      'slack-mcp',
      'remote-search',
      'filesystem',
    ])
    expect(result.token.name).toBe('Claude Desktop import')
    const rewritten = readFileSync(path, 'utf8')
    for (const s of secrets) expect(rewritten).not.toContain(s.value)
    expect(rewritten).toMatch(/"AUTH": "Bearer kb_[A-Za-z0-9_-]{43}"/)
    // No plaintext copy beside it: the original is sealed in the vault.
    expect(result.rewrite.backupPath).toBeNull()
    expect(readdirSync(dirname(path)).filter((f) => f.includes('.bak-'))).toHaveLength(0)
    const copy = join(dirname(path), 'the-same-secrets.json')
    writeFileSync(copy, original)

    const upstreams = JSON.parse((await kb(['upstream', 'list', '--json'])).out)
    expect(upstreams.find((u: { name: string }) => u.name === 'github-mcp').env).toEqual([
      {
        key: 'GITHUB_PERSONAL_ACCESS_TOKEN',
        kind: 'reference',
        reference: '{{credential:github/github.token}}',
      },
    ])

    // The same secrets again (from the backup): every name is taken.
    const again = await kb(['import-config', copy, '--yes'])
    expect(again.code).toBe(1)
    expect(again.err).toContain('already a GitHub credential named "github"')
    const renamed = await kb([
      'import-config',
      copy,
      '--yes',
      '--rename-conflicts',
      '--skip',
      'filesystem',
      '--json',
    ])
    expect(renamed.code, renamed.err).toBe(0)
    const second = JSON.parse(renamed.out)
    expect(second.credentials.map((c: { name: string }) => c.name)).toEqual([
      'github-2',
      'slack-2',
      'remote-search-2',
    ])
    expect(second.upstreams.map((u: { name: string }) => u.name)).toEqual([
      'github-mcp-2',
      'slack-mcp-2',
      'remote-search-2',
    ])
    // Undo: the original comes back from the vault, and the sealed copy is gone.
    const restored = await kb(['import-config', '--restore', path, '--json'])
    expect(restored.code, restored.err).toBe(0)
    expect(readFileSync(path, 'utf8')).toBe(original)
    expect((await kb(['import-config', '--restore', path])).code).toBe(1)
  })

  it('usage errors: unknown ids and bad --rename', async () => {
    const path = copyFixture('claude_desktop_config.json', files.dir)
    expect((await kb(['import-config', path, '--dry-run', '--skip', 'nope'])).code).toBe(2)
    expect((await kb(['import-config', path, '--dry-run', '--rename', 'github'])).code).toBe(2)
    expect((await kb(['import-config'])).code).toBe(2)
  })
})

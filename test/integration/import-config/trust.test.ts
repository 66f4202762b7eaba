import { createHash } from 'node:crypto'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportResult } from '../../../shared/ipc/importConfig'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { tempDir, TEST_KDF } from '../../helpers/core'
import {
  addCredential,
  connectClient,
  reporterCommand,
  startBridge,
  textOf,
  waitFor,
} from '../bridge/support'

const PASSWORD = 'a long enough master password'

/** Every file under a folder, recursively (what a later reader of that folder could open). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}

describe('import-config from a third-party file: a reference stays literal text', () => {
  const data = tempDir('kb-trust-data-')
  const files = tempDir('kb-trust-files-')
  let out: string[] = []
  async function kb(...argv: string[]) {
    out = []
    const io: CliIO = {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      promptSecret: async () => undefined,
      isTTY: false,
    }
    const code = await runCli([...argv, '--data-dir', data.dir], {
      io,
      env: { KEYBRIDGE_PASSWORD: PASSWORD },
      kdf: TEST_KDF,
    })
    return { code, out: out.join('\n') }
  }
  beforeAll(async () => {
    expect((await kb('init')).code).toBe(0)
  })
  afterAll(() => {
    data.cleanup()
    files.cleanup()
  })

  it('previews it in words, flags it, and never resolves it', async () => {
    const path = join(files.dir, '.cursor', 'mcp.json')
    mkdirSync(join(files.dir, '.cursor'))
    writeFileSync(
      path,
      JSON.stringify(
        {
          mcpServers: {
            helper: {
              command: 'npx',
              args: ['-y', 'helper-mcp'],
              env: { GITHUB_TOKEN: '{{credential:github/personal.token}}' },
            },
          },
        },
        null,
        2,
      ),
    )
    const dry = await kb('import-config', path, '--dry-run')
    expect(dry.code).toBe(0)
    expect(dry.out).toBe(
      [
        `Cursor: ${path}`,
        '',
        'Secrets found: 0 (0 to import as vault credentials)',
        '',
        'Servers: 1',
        '  helper (stdio) → upstream server "helper" (arrives disabled): npx -y helper-mcp',
        '      GITHUB_TOKEN={{credential:github/personal.token}}  (literal text from the file: never resolved)',
        '',
        'Warnings:',
        '  - helper: GITHUB_TOKEN holds a Keybridge reference ({{credential:github/personal.token}}) written in the file. It is kept as literal text and never resolved: a config file cannot choose which vault secret its server receives. Set it with "keybridge upstream add" yourself if you meant it.',
        '',
        'Dry run: nothing was changed.',
      ].join('\n'),
    )
    const applied = await kb('import-config', path, '--yes', '--json')
    expect(applied.code).toBe(0)
    const list = JSON.parse((await kb('upstream', 'list', '--json')).out) as {
      name: string
      enabled: boolean
      env: { key: string; kind: string; reference: string | null }[]
    }[]
    expect(list).toMatchObject([
      { name: 'helper', enabled: false, env: [{ key: 'GITHUB_TOKEN', kind: 'literal', reference: null }] },
    ])
  })
})

describe('an upstream imported with a literal reference receives the text, not the secret', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const files = tempDir('kb-trust-run-')
  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
  })
  afterAll(async () => {
    await env.dispose()
    files.cleanup()
  })

  it('started after the user enables it, its environment holds the literal text', async () => {
    const secret = 'ghp_VictimOwnToken000000000000000000001'
    addCredential(env.core, 'github', 'personal', { token: secret })
    const { command, args } = reporterCommand()
    const path = join(files.dir, 'mcp.json')
    writeFileSync(
      path,
      JSON.stringify({
        mcpServers: { rep: { command, args, env: { GITHUB_TOKEN: '{{credential:github/personal.token}}' } } },
      }),
    )
    const res = await env.core.invoke('importConfig.apply', { path })
    expect(res.ok, JSON.stringify(res)).toBe(true)
    expect((res as { data: ImportResult }).data.warnings.join('\n')).toContain('kept as literal text')
    await env.core.invoke('bridge.upstream.setEnabled', { name: 'rep', enabled: true })
    await waitFor(() => env.bridge.upstreams.status('rep').state === 'running', 30_000, 'rep running')
    const client = await connectClient(env.url, env.token)
    try {
      const r = await client.callTool({ name: 'rep_report_env', arguments: { name: 'GITHUB_TOKEN' } })
      const literal = '{{credential:github/personal.token}}'
      expect(JSON.parse(textOf(r))).toMatchObject({
        present: true,
        sha256: createHash('sha256').update(literal).digest('hex'),
      })
      expect(textOf(r)).not.toContain(createHash('sha256').update(secret).digest('hex'))
    } finally {
      await client.close()
    }
  })
})

describe('rewrite undo sealed in the vault', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const files = tempDir('kb-undo-')
  const canary = 'ghp_CANARYundo0000000000000000000000042'
  const config = (secret: string, server = 'github') =>
    JSON.stringify(
      { mcpServers: { [server]: { command: 'npx', args: ['-y', 'gh'], env: { GITHUB_TOKEN: secret } } } },
      null,
      2,
    ) + '\n'
  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
  })
  afterAll(async () => {
    await env.dispose()
    files.cleanup()
  })

  async function rewrite(path: string): Promise<ImportResult> {
    const res = await env.core.invoke('importConfig.apply', { path, rewrite: true })
    expect(res.ok, JSON.stringify(res)).toBe(true)
    return (res as { data: ImportResult }).data
  }

  it('leaves no byte of the secret under the config folder, keeps the mode, and restores it', async () => {
    const dir = join(files.dir, 'plain', '.cursor')
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'mcp.json')
    const original = config(canary)
    writeFileSync(path, original)
    chmodSync(path, 0o640)
    const r = await rewrite(path)
    expect(r.rewrite).toMatchObject({ path, target: path, backupPath: null })
    expect(statSync(path).mode & 0o777).toBe(0o640)
    const needles = [canary, Buffer.from(canary).toString('base64'), canary.slice(4, 24)]
    for (const f of filesUnder(join(files.dir, 'plain'))) {
      const bytes = readFileSync(f)
      for (const n of needles) expect(bytes.includes(n), `${f} holds the canary`).toBe(false)
    }
    // Not in the vault file in the clear either: it is sealed there.
    env.core.ctx.db.pragma('wal_checkpoint(TRUNCATE)')
    for (const f of filesUnder(env.core.dataDir)) expect(readFileSync(f).includes(canary), f).toBe(false)

    const restored = await env.core.invoke('importConfig.restore', { path })
    expect(restored).toMatchObject({ ok: true, data: { path, target: path } })
    expect(readFileSync(path, 'utf8')).toBe(original)
    expect(statSync(path).mode & 0o777).toBe(0o640)
    expect(await env.core.invoke('importConfig.undoCopies', undefined)).toMatchObject({ ok: true, data: [] })
    expect(await env.core.invoke('importConfig.restore', { path })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })

  it('writes a symlinked config through to its target, the link kept; restore goes there too', async () => {
    const real = join(files.dir, 'dotfiles', 'cursor-mcp.json')
    mkdirSync(join(files.dir, 'dotfiles'))
    const original = config(canary + 'L', 'linked')
    writeFileSync(real, original, { mode: 0o600 })
    const linkDir = join(files.dir, 'home', '.cursor')
    mkdirSync(linkDir, { recursive: true })
    const link = join(linkDir, 'mcp.json')
    symlinkSync(real, link)
    const r = await rewrite(link)
    expect(r.rewrite).toMatchObject({ path: link, target: real })
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(real)
    expect(readFileSync(real, 'utf8')).not.toContain(canary)
    expect(readFileSync(real, 'utf8')).toContain('"keybridge"')
    expect(statSync(real).mode & 0o777).toBe(0o600)
    for (const d of ['dotfiles', 'home']) {
      for (const f of filesUnder(join(files.dir, d))) expect(readFileSync(f).includes(canary), f).toBe(false)
    }
    await env.core.invoke('importConfig.restore', { path: link })
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(real, 'utf8')).toBe(original)
  })
})

import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { IpcResult } from '../../../shared/ipc'
import type { ImportPlan, ImportResult } from '../../../shared/ipc/importConfig'
import { getBridge } from '../../../electron/core/bridge/feature'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'
import { addCredential } from '../bridge/support'
import { copyFixture, FIXTURE_SECRETS } from './support'

type Core = Awaited<ReturnType<typeof makeCore>>
let core: Core
let files: ReturnType<typeof tempDir>

/** Everything an import can write: credentials, upstreams, tokens, and the files beside the config. */
function snapshot(path: string) {
  return {
    credentials: core.ctx.credentials.count(),
    upstreams: getBridge(core.ctx).upstreams.list().length,
    tokens: getBridge(core.ctx).tokens.list().length,
    file: readFileSync(path, 'utf8'),
    siblings: readdirSync(dirname(path)).sort(),
  }
}

function failure(r: IpcResult): { code: string; message: string } {
  expect(r.ok).toBe(false)
  return (r as { error: { code: string; message: string } }).error
}

beforeAll(async () => {
  core = await makeCore({ unlocked: true })
})
afterAll(async () => {
  await core.dispose()
})
afterEach(() => files?.cleanup())

describe('import-config: clear messages, nothing half-written', () => {
  it('a malformed file names the line and column, never its content', async () => {
    files = tempDir()
    const path = copyFixture('malformed.json', files.dir)
    const before = snapshot(path)
    const e = failure(await core.invoke('importConfig.preview', { path }))
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.message).toMatch(/malformed\.json is not valid JSON: .* at line \d+, column \d+\./)
    expect(e.message).not.toContain('ghp_')
    const a = failure(await core.invoke('importConfig.apply', { path, rewrite: true }))
    expect(a.code).toBe('INVALID_INPUT')
    expect(snapshot(path)).toEqual(before)
  })

  it('an unknown shape is reported, not guessed', async () => {
    files = tempDir()
    const path = copyFixture('unknown-shape.json', files.dir)
    const e = failure(await core.invoke('importConfig.preview', { path }))
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.message).toContain('no "mcpServers"')
    expect(e.message).not.toContain('ghp_')
    const missing = failure(await core.invoke('importConfig.preview', { path: `${files.dir}/nope.json` }))
    expect(missing.code).toBe('NOT_FOUND')
  })

  it('duplicates of existing names are conflicts with a free name offered; renaming resolves them', async () => {
    files = tempDir()
    const path = copyFixture('claude_desktop_config.json', files.dir)
    addCredential(core, 'github', 'github', { token: 'ghp_someOtherExistingToken0000000000000' })
    await core.invoke('bridge.upstream.add', { name: 'filesystem', command: 'node', args: [], env: {} })
    const plan = ((await core.invoke('importConfig.preview', { path })) as { data: ImportPlan }).data
    const gh = plan.credentials.find((c) => c.service === 'github')!
    expect(gh.conflict).toContain('already a GitHub credential named "github"')
    expect(gh.suggestedName).toBe('github-2')
    const fs = plan.servers.find((s) => s.id === 'filesystem')!
    expect(fs.conflict).toContain('already an upstream server named "filesystem"')
    expect(fs.suggestedName).toBe('filesystem-2')
    // A server named like a built-in source is renamed, and the plan says so: no conflict.
    const slack = plan.servers.find((s) => s.id === 'slack')!
    expect(slack.upstreamName).toBe('slack-mcp')
    expect(slack.conflict).toBeNull()
    expect(slack.notes.join(' ')).toContain('"slack" is the name of Keybridge\'s own slack tools')
    // The same note as a code with parameters, for the UI's language; conflicts too.
    expect(slack.noteCodes).toContainEqual({
      code: 'reserved_name',
      params: { name: 'slack-mcp', was: 'slack' },
      message: expect.stringContaining('"slack" is the name of Keybridge\'s own slack tools'),
    })
    expect(gh.conflictCode).toMatchObject({ code: 'credential_exists', params: { name: 'github' } })
    expect(fs.conflictCode).toMatchObject({ code: 'upstream_exists', params: { name: 'filesystem' } })
    expect(gh.reasonCode?.code).toMatch(/^secret_/)

    const before = snapshot(path)
    const e = failure(await core.invoke('importConfig.apply', { path, rewrite: true }))
    expect(e.code).toBe('CONFLICT')
    expect(e.message).toContain('Nothing was imported')
    expect(e.message).toContain('github-2')
    expect(snapshot(path)).toEqual(before)

    const ok = await core.invoke('importConfig.apply', {
      path,
      fingerprint: plan.fingerprint,
      edits: { credentials: [{ id: gh.id, name: 'work' }], servers: [{ id: 'filesystem', name: 'files' }] },
    })
    expect(ok.ok, JSON.stringify(ok)).toBe(true)
    const r = (ok as { data: ImportResult }).data
    expect(r.credentials.map((c) => `${c.service}/${c.name}`)).toContain('github/work')
    expect(r.upstreams.map((u) => u.name)).toContain('files')
    const up = getBridge(core.ctx).upstreams.status('github-mcp')
    expect(up.env).toEqual([
      {
        key: 'GITHUB_PERSONAL_ACCESS_TOKEN',
        kind: 'reference',
        reference: '{{credential:github/work.token}}',
      },
    ])
    // Without rewrite the file is untouched.
    expect(readFileSync(path, 'utf8')).toBe(before.file)
    for (const u of r.upstreams) await getBridge(core.ctx).upstreams.remove(u.name)
    await getBridge(core.ctx).upstreams.remove('filesystem')
    for (const c of core.ctx.credentials.list()) core.ctx.credentials.delete(c.id, 'ui')
  })

  it('a read-only config file: the preview says so, apply refuses and writes nothing', async () => {
    files = tempDir()
    const path = copyFixture('cursor/.cursor/mcp.json', files.dir)
    chmodSync(path, 0o444)
    const plan = ((await core.invoke('importConfig.preview', { path })) as { data: ImportPlan }).data
    expect(plan.rewrite.possible).toBe(false)
    expect(plan.rewrite.reason).toContain('mcp.json is read-only')
    const before = snapshot(path)
    const e = failure(await core.invoke('importConfig.apply', { path, rewrite: true }))
    expect(e.code).toBe('IO_ERROR')
    expect(e.message).toContain('read-only')
    expect(e.message).toContain('Nothing was imported')
    expect(snapshot(path)).toEqual(before)
  })

  it('a failure after the file was replaced puts the original back and rolls the vault back', async () => {
    files = tempDir()
    const path = copyFixture('vscode-settings/settings.json', files.dir)
    const before = snapshot(path)
    const upstreams = getBridge(core.ctx).upstreams
    const add = upstreams.add.bind(upstreams)
    // Fault injection: the last step of the transaction (after the rename) fails.
    upstreams.add = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })
    }
    try {
      const e = failure(await core.invoke('importConfig.apply', { path, rewrite: true }))
      expect(e.code).toBe('IO_ERROR')
    } finally {
      upstreams.add = add
    }
    expect(snapshot(path)).toEqual(before)
  })

  it('refuses a plan made from another version of the file, and a locked vault', async () => {
    files = tempDir()
    const path = copyFixture('lmstudio/.lmstudio/mcp.json', files.dir)
    const plan = ((await core.invoke('importConfig.preview', { path })) as { data: ImportPlan }).data
    writeFileSync(path, readFileSync(path, 'utf8').replace('"info"', '"debug"'))
    const before = snapshot(path)
    const e = failure(
      await core.invoke('importConfig.apply', { path, fingerprint: plan.fingerprint, rewrite: true }),
    )
    expect(e.code).toBe('CONFLICT')
    expect(e.message).toContain('changed since the preview')
    const unknownId = failure(
      await core.invoke('importConfig.apply', {
        path,
        edits: { credentials: [{ id: 'nope:env:X', include: false }] },
      }),
    )
    expect(unknownId.code).toBe('CONFLICT')
    expect(snapshot(path)).toEqual(before)

    await core.ctx.vault.lock('ui')
    try {
      expect(failure(await core.invoke('importConfig.apply', { path })).code).toBe('VAULT_LOCKED')
      // A preview needs no secret: it works locked.
      expect((await core.invoke('importConfig.preview', { path })).ok).toBe(true)
    } finally {
      await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    }
    expect(snapshot(path)).toEqual(before)
  })

  it('a .env file: every secret becomes a credential, plain variables only when asked, never rewritten', async () => {
    files = tempDir()
    const path = copyFixture('project.env', files.dir)
    const plan = ((await core.invoke('importConfig.preview', { path })) as { data: ImportPlan }).data
    expect(plan.format).toBe('dotenv')
    expect(plan.rewrite.possible).toBe(false)
    const wanted = FIXTURE_SECRETS['project.env']
    expect(plan.credentials.filter((c) => c.include).map((c) => [c.sources[0].key, c.service])).toEqual(
      wanted.map((w) => [w.key, w.service]),
    )
    expect(plan.credentials.filter((c) => !c.include).map((c) => c.sources[0].key)).toEqual(['PORT', 'DEBUG'])
    const before = snapshot(path)
    expect(failure(await core.invoke('importConfig.apply', { path, rewrite: true })).code).toBe(
      'INVALID_INPUT',
    )
    expect(snapshot(path)).toEqual(before)

    const ok = await core.invoke('importConfig.apply', {
      path,
      edits: { credentials: [{ id: 'dotenv:PORT', include: true }] },
    })
    expect(ok.ok, JSON.stringify(ok)).toBe(true)
    const r = (ok as { data: ImportResult }).data
    expect(r.credentials.map((c) => `${c.service}/${c.name}`).sort()).toEqual([
      'anthropic/anthropic_api_key',
      'custom/database_url',
      'custom/port',
      'custom/stripe_secret_key',
      'openai/openai_api_key',
    ])
    for (const w of wanted) {
      const c = core.ctx.credentials.findByRef(`${w.service}/${w.key.toLowerCase()}`)
      expect(Object.values(core.ctx.credentials.openSecrets(c.id))).toEqual([w.value])
    }
    expect(readFileSync(path, 'utf8')).toBe(before.file)
    // The import is audited, without values.
    const audit = core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'imported_config'")
      .all() as { detail: string }[]
    expect(audit.length).toBeGreaterThan(0)
    for (const a of audit) for (const w of wanted) expect(a.detail).not.toContain(w.value)
  })
})

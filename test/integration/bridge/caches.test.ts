import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VAULT_FILE } from '../../../electron/core/app'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { TEST_KDF, TEST_PASSWORD } from '../../helpers/core'
import { connectClient, INIT_BODY, MCP_HEADERS, rawRequest, startBridge, textOf } from './support'

// The bridge keeps verified tokens and tool permissions in memory between requests. These tests prove
// the caches never outlive a change, wherever it comes from.
describe('bridge caches: token and permission changes bite at the next request', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const auth = (t: string) => ({ ...MCP_HEADERS, Authorization: `Bearer ${t}` })
  const init = JSON.stringify(INIT_BODY)
  const io: CliIO = { out: () => {}, err: () => {}, promptSecret: async () => undefined, isTTY: false }
  /** The headless CLI on the same data dir: its own core and its own SQLite connection. */
  const cli = (...argv: string[]) =>
    runCli([...argv, '--data-dir', env.core.dataDir], {
      io,
      env: { KEYBRIDGE_PASSWORD: TEST_PASSWORD },
      kdf: TEST_KDF,
    })

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'deny' })
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('refuses a token the CLI revoked, though earlier requests cached it', async () => {
    const { token } = env.bridge.tokens.create({ name: 'Cached', scopes: [] })
    for (let i = 0; i < 3; i++)
      expect((await rawRequest(env.port, { headers: auth(token), body: init })).status).toBe(200)
    expect(await cli('token', 'revoke', 'Cached')).toBe(0)
    const r = await rawRequest(env.port, { headers: auth(token), body: init })
    expect(r.status).toBe(401)
    expect(r.headers['www-authenticate']).toContain('revoked')
  })

  /** Another SQLite connection to the vault file, as another process (the CLI) has. */
  function otherConnection<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(join(env.core.dataDir, VAULT_FILE), { fileMustExist: true })
    try {
      return fn(db)
    } finally {
      db.close()
    }
  }

  it('refuses a token deleted by another connection, and one replaced in-process by a rotation', async () => {
    const { token } = env.bridge.tokens.create({ name: 'Deleted', scopes: [] })
    expect((await rawRequest(env.port, { headers: auth(token), body: init })).status).toBe(200)
    otherConnection((db) => db.prepare("DELETE FROM bridge_tokens WHERE name = 'Deleted'").run())
    expect((await rawRequest(env.port, { headers: auth(token), body: init })).status).toBe(401)

    const first = env.bridge.tokens.create({ name: 'Rotated', scopes: [] })
    expect((await rawRequest(env.port, { headers: auth(first.token), body: init })).status).toBe(200)
    const second = env.bridge.tokens.rotate('Rotated')
    expect((await rawRequest(env.port, { headers: auth(first.token), body: init })).status).toBe(401)
    expect((await rawRequest(env.port, { headers: auth(second.token), body: init })).status).toBe(200)
  })

  it('applies a permission changed by another connection, or in-process, to the next call of an open session', async () => {
    const call = (text: string) => client.callTool({ name: 'test_read_thing', arguments: { text } })
    const client = await connectClient(env.url, env.token)
    try {
      for (const text of ['a', 'b', 'c']) expect(textOf(await call(text))).toBe(`read_thing:${text}`)
      // What `keybridge tool set test_read_thing off` writes, from its own process.
      otherConnection((db) =>
        db
          .prepare(
            "INSERT INTO bridge_tool_permissions (tool, level, ask, updated_at) VALUES ('test/read_thing', 'off', 0, 0) ON CONFLICT(tool) DO UPDATE SET level = 'off'",
          )
          .run(),
      )
      const off = await call('d')
      expect(off.isError).toBe(true)
      expect(textOf(off)).toContain('turned off')
      await env.core.invoke('bridge.tools.set', { tool: 'test_read_thing', level: 'read', ask: false })
      expect(textOf(await call('e'))).toBe('read_thing:e')
      await env.core.invoke('bridge.tools.set', { tool: 'test_read_thing', level: 'read', ask: true })
      const asked = await call('f')
      expect(textOf(asked)).toContain('approval')
    } finally {
      await client.close()
    }
  })
})

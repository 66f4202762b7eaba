import { afterEach, describe, expect, it } from 'vitest'
import { connectClient, startBridge, textOf } from './support'

describe('what the bridge reports is true', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  it('building client configs is not a use; an app that initializes is a connected session with its name', async () => {
    const b = await startBridge()
    dispose = b.dispose
    const started: string[] = []
    b.core.ctx.events.subscribe((name, payload) => {
      if (name === 'bridge.sessionStarted') started.push((payload as { clientName: string }).clientName)
    })
    for (const client of ['lmstudio', 'claude', 'cursor', 'vscode'] as const) {
      const r = await b.core.invoke('bridge.clientConfig', { client, tokenName: 'Test App', token: b.token })
      expect(r.ok).toBe(true)
    }
    const before = b.bridge.tokens.byName('Test App')
    expect(before).toMatchObject({ lastUsedAt: null, useCount: 0 })
    expect(await b.core.invoke('bridge.sessions', {})).toEqual({ ok: true, data: [] })

    const client = await connectClient(b.url, b.token, 'Cursor')
    try {
      const sessions = (await b.core.invoke('bridge.sessions', {})) as {
        ok: true
        data: { tokenName: string; clientName: string; clientVersion: string }[]
      }
      expect(sessions.data).toHaveLength(1)
      expect(sessions.data[0]).toMatchObject({
        tokenName: 'Test App',
        clientName: 'Cursor',
        clientVersion: '1.0.0',
      })
      expect(started).toEqual(['Cursor'])
      // Connecting (initialize, tools/list) uses the token but is no tool call: "Calls" stays 0.
      const connected = b.bridge.tokens.byName('Test App')
      expect(connected.lastUsedAt).not.toBeNull()
      expect(connected.useCount).toBe(0)
      await client.callTool({ name: 'test_read_thing', arguments: {} })
      await client.callTool({ name: 'test_read_thing', arguments: {} })
      expect(b.bridge.tokens.byName('Test App').useCount).toBe(2)
      // The desktop playground running as this token is not the app's call.
      const r = await b.core.invoke('bridge.playground.call', {
        tokenName: 'Test App',
        tool: 'test_read_thing',
        arguments: {},
      })
      expect(r.ok).toBe(true)
      expect(b.bridge.tokens.byName('Test App').useCount).toBe(2)
    } finally {
      await client.close()
    }
  })

  it('token, permission and bridge changes are audited, failures with their code', async () => {
    const b = await startBridge()
    dispose = b.dispose
    const ui = { actor: 'ui' as const }
    const { last } = b.core.ctx.db.prepare('SELECT MAX(id) AS last FROM audit_log').get() as { last: number }
    await b.core.invoke('bridge.tokens.create', { name: 'Cursor', scopes: ['test*'] }, ui)
    await b.core.invoke('bridge.tokens.revoke', { name: 'Cursor' }, ui)
    await b.core.invoke('bridge.tokens.revoke', { name: 'Nobody' }, ui)
    const listed = (await b.core.invoke('bridge.tools.list', {}, ui)) as {
      ok: true
      data: { name: string }[]
    }
    const readThing = listed.data.find((t) => /^test[._]read_thing$/.test(t.name))!.name
    await b.core.invoke('bridge.tools.set', { tool: readThing, level: 'off' }, ui)
    await b.core.invoke('bridge.stop', {}, ui)
    await b.core.invoke('bridge.stop', {}, ui)
    const rows = b.core.ctx.db
      .prepare(
        "SELECT action, target, outcome, detail FROM audit_log WHERE actor = 'ui' AND id > ? ORDER BY id",
      )
      .all(last) as { action: string; target: string | null; outcome: string; detail: string | null }[]
    expect(rows.map((r) => [r.action, r.target, r.outcome])).toEqual([
      ['token_created', 'token/Cursor', 'ok'],
      ['token_revoked', 'token/Cursor', 'ok'],
      ['token_revoked', 'token/Nobody', 'error'],
      ['permission_changed', `tool/${readThing}`, 'ok'],
      // A second stop changes nothing and records nothing.
      ['bridge_stopped', null, 'ok'],
    ])
    expect(JSON.parse(rows[2].detail!)).toEqual({ code: 'NOT_FOUND' })
    expect(JSON.parse(rows[3].detail!)).toEqual({ level: 'off', ask: null })
  })

  it('the playground runs a call as the token would: out of scope denied, in scope answered, audited as playground', async () => {
    const b = await startBridge()
    dispose = b.dispose
    const ui = { actor: 'ui' as const }
    await b.core.invoke('bridge.tokens.create', { name: 'Narrow', scopes: ['other*'] }, ui)
    const tools = (await b.core.invoke('bridge.playground.tools', { tokenName: 'Narrow' }, ui)) as {
      ok: true
      data: { name: string; visible: boolean }[]
    }
    // However the bridge spells exposed names (dots before #14, underscores after).
    const readThing = tools.data.find((t) => /^test[._]read_thing$/.test(t.name))!.name
    expect(tools.data.find((t) => t.name === readThing)?.visible).toBe(false)
    const denied = (await b.core.invoke(
      'bridge.playground.call',
      { tokenName: 'Narrow', tool: readThing, arguments: { text: 'hi' } },
      ui,
    )) as { ok: true; data: { isError: boolean; content: unknown[]; reason: unknown } }
    expect(denied.data.isError).toBe(true)
    expect(textOf(denied.data)).toContain('is limited to other*')
    // The UI gets the reason as a code with its parameters, to say it in its own language.
    expect(denied.data.reason).toEqual({
      why: 'scope',
      params: { client: 'Narrow', scopes: 'other*', tool: expect.stringMatching(/read_thing$/) },
    })
    const allowed = (await b.core.invoke(
      'bridge.playground.call',
      { tokenName: 'Test App', tool: readThing, arguments: { text: 'hi' } },
      ui,
    )) as { ok: true; data: { isError: boolean } }
    expect(allowed.data.isError).toBe(false)
    await b.core.invoke('bridge.tokens.revoke', { name: 'Narrow' }, ui)
    expect(
      await b.core.invoke('bridge.playground.call', { tokenName: 'Narrow', tool: readThing }, ui),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'token_inactive' } })
    await expect
      .poll(() =>
        b.core.ctx.db
          .prepare(
            "SELECT actor, actor_name AS name, outcome FROM audit_log WHERE action = 'playground_call' ORDER BY id",
          )
          .all(),
      )
      .toEqual([
        { actor: 'ui', name: 'Narrow', outcome: 'denied' },
        { actor: 'ui', name: 'Test App', outcome: 'ok' },
      ])
    const row = b.core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'playground_call' AND outcome = 'denied'")
      .get() as { detail: string }
    const detail = JSON.parse(row.detail) as Record<string, unknown>
    expect(detail['why']).toBe('scope')
    expect(detail['whyParams']).toMatchObject({ client: 'Narrow', scopes: 'other*' })
    expect(detail['reason']).toContain('is limited to other*')
  })
})

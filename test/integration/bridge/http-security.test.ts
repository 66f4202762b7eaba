import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { connectClient, INIT_BODY, MCP_HEADERS, rawRequest, rawSession, startBridge } from './support'

describe('bridge HTTP: auth, Host/Origin, sessions, rate limit', () => {
  const clock = new ManualClock()
  let env: Awaited<ReturnType<typeof startBridge>>
  const auth = (t: string) => ({ ...MCP_HEADERS, Authorization: `Bearer ${t}` })
  const init = JSON.stringify(INIT_BODY)

  beforeAll(async () => {
    env = await startBridge({ clock })
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('answers /health without auth with status and version only', async () => {
    const r = await rawRequest(env.port, { method: 'GET', path: '/health' })
    expect(r.status).toBe(200)
    expect(Object.keys(JSON.parse(r.body)).sort()).toEqual(['status', 'version'])
  })

  it('refuses a missing token with 401 and a bare Bearer challenge', async () => {
    const r = await rawRequest(env.port, { headers: MCP_HEADERS, body: init })
    expect(r.status).toBe(401)
    expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="keybridge"$/)
  })

  it('refuses unknown and malformed tokens with 401 invalid_token', async () => {
    for (const t of ['kb_' + randomBytes(32).toString('base64url'), 'nonsense', 'kb_short']) {
      const r = await rawRequest(env.port, { headers: auth(t), body: init })
      expect(r.status).toBe(401)
      expect(r.headers['www-authenticate']).toContain('error="invalid_token"')
      expect(JSON.parse(r.body).error.code).toBe(-32001)
    }
    const basic = await rawRequest(env.port, {
      headers: { ...MCP_HEADERS, Authorization: 'Basic Zm9vOmJhcg==' },
      body: init,
    })
    expect(basic.status).toBe(401)
  })

  it('refuses an expired token with 401', async () => {
    const { token } = env.bridge.tokens.create({ name: 'Short lived', scopes: [], expiresInDays: 1 })
    expect((await rawRequest(env.port, { headers: auth(token), body: init })).status).toBe(200)
    clock.advance(86_400_000 + 1)
    const r = await rawRequest(env.port, { headers: auth(token), body: init })
    expect(r.status).toBe(401)
    expect(r.headers['www-authenticate']).toContain('expired')
    expect(env.bridge.tokens.byName('Short lived').status).toBe('expired')
  })

  it('refuses a revoked token at the next request, even inside an open session', async () => {
    const { token } = env.bridge.tokens.create({ name: 'Revoke me', scopes: [] })
    const client = await connectClient(env.url, token)
    await client.listTools()
    await env.core.invoke('bridge.tokens.revoke', { name: 'Revoke me' })
    await expect(client.listTools()).rejects.toThrow()
    const r = await rawRequest(env.port, { headers: auth(token), body: init })
    expect(r.status).toBe(401)
    expect(r.headers['www-authenticate']).toContain('revoked')
    await client.close().catch(() => {})
  })

  it('refuses a foreign Origin with 403 and accepts a loopback one', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example', 'file://']) {
      const r = await rawRequest(env.port, { headers: { ...auth(env.token), Origin: origin }, body: init })
      expect(r.status, origin).toBe(403)
    }
    const ok = await rawRequest(env.port, {
      headers: { ...auth(env.token), Origin: 'http://localhost:6274' },
      body: init,
    })
    expect(ok.status).toBe(200)
  })

  it('refuses a foreign Host (DNS rebinding) or a wrong port with 403, even for /health', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${env.port}`,
      `127.0.0.1:${env.port + 1}`,
      `localhost.evil.example:${env.port}`,
    ]) {
      const r = await rawRequest(env.port, { headers: { ...auth(env.token), Host: host }, body: init })
      expect(r.status, host).toBe(403)
    }
    const h = await rawRequest(env.port, {
      method: 'GET',
      path: '/health',
      headers: { Host: 'evil.example' },
    })
    expect(h.status).toBe(403)
    for (const host of [`localhost:${env.port}`, `[::1]:${env.port}`]) {
      const r = await rawRequest(env.port, { headers: { ...auth(env.token), Host: host }, body: init })
      expect(r.status, host).toBe(200)
    }
  })

  it('follows the session rules: 400 without Mcp-Session-Id, 404 unknown or foreign, DELETE ends it', async () => {
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })
    expect((await rawRequest(env.port, { headers: auth(env.token), body: list })).status).toBe(400)
    expect((await rawRequest(env.port, { method: 'GET', headers: auth(env.token) })).status).toBe(400)
    const unknown = await rawRequest(env.port, {
      headers: { ...auth(env.token), 'Mcp-Session-Id': 'nope' },
      body: list,
    })
    expect(unknown.status).toBe(404)

    const sid = await rawSession(env.port, env.token)
    const withSession = { ...auth(env.token), 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-06-18' }
    const ok = await rawRequest(env.port, { headers: withSession, body: list })
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('test_read_thing')
    expect(
      (
        await rawRequest(env.port, {
          headers: { ...withSession, 'MCP-Protocol-Version': '1999-01-01' },
          body: list,
        })
      ).status,
    ).toBe(400)

    // Another client's token cannot ride this session.
    const other = env.bridge.tokens.create({ name: 'Other', scopes: [] }).token
    const foreign = await rawRequest(env.port, {
      headers: { ...withSession, Authorization: `Bearer ${other}` },
      body: list,
    })
    expect(foreign.status).toBe(404)

    expect((await rawRequest(env.port, { method: 'PUT', headers: auth(env.token) })).status).toBe(405)
    const del = await rawRequest(env.port, { method: 'DELETE', headers: withSession })
    expect(del.status).toBe(200)
    expect((await rawRequest(env.port, { headers: withSession, body: list })).status).toBe(404)
  })

  it('opens the GET SSE stream of a session', async () => {
    const sid = await rawSession(env.port, env.token)
    const res = await fetch(env.url, {
      headers: { Authorization: `Bearer ${env.token}`, Accept: 'text/event-stream', 'Mcp-Session-Id': sid },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    await res.body?.cancel()
  })

  it('rate-limits per token with 429 and Retry-After, then lets the client back in', async () => {
    env.bridge.setConfig({ rateLimitPerMinute: 5 })
    const { token } = env.bridge.tokens.create({ name: 'Chatty', scopes: [] })
    const statuses: number[] = []
    let retryAfter: string | undefined
    for (let i = 0; i < 7; i++) {
      const r = await rawRequest(env.port, { headers: auth(token), body: init })
      statuses.push(r.status)
      if (r.status === 429) retryAfter = String(r.headers['retry-after'])
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
    expect(statuses.slice(5)).toEqual([429, 429])
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    // Another token has its own bucket.
    expect((await rawRequest(env.port, { headers: auth(env.token), body: init })).status).toBe(200)
    clock.advance(Number(retryAfter) * 1000)
    expect((await rawRequest(env.port, { headers: auth(token), body: init })).status).toBe(200)
    env.bridge.setConfig({ rateLimitPerMinute: 100_000 })
  })
})

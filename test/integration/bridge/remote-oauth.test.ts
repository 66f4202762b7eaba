import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { sha256 } from '../../fakes/mcp-oauth/mcp-tools'
import { startOAuthMcpServer, type OAuthMcpFake } from '../../fakes/mcp-oauth/oauth-server'
import { connectClient, startBridge, textOf, waitFor } from './support'
import { closedPort } from '../../fakes/homeassistant/server'
import { filesContaining, followAuthorization, toolName, upstreamStatus } from './remote-support'

type Env = Awaited<ReturnType<typeof startBridge>>

describe('a remote MCP server signed in with OAuth (MCP authorization spec, through the SDK)', () => {
  let env: Env
  let fake: OAuthMcpFake
  let client: Client
  const logged: string[] = []
  const events: { name: string; payload: unknown }[] = []

  async function signIn(opts: { tamperState?: boolean } = {}) {
    const config = env.bridge.upstreams.store.require('remote')
    const { flow } = await env.bridge.upstreams.remote.startSignIn(config)
    const browser = await followAuthorization(flow.authorizeUrl, opts)
    await flow.done
    await env.bridge.upstreams.signedIn('remote')
    return { ...browser, authorizeUrl: new URL(flow.authorizeUrl) }
  }
  const call = async (tool: string) => {
    const r = await client.callTool({ name: await toolName(client, 'remote', tool), arguments: {} })
    return { text: textOf(r), isError: Boolean(r.isError), raw: JSON.stringify(r) }
  }

  beforeAll(async () => {
    for (const m of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')))
    }
    fake = await startOAuthMcpServer()
    env = await startBridge({ approvalMode: 'approve_all' })
    env.bridge.upstreams.policy = { ...env.bridge.upstreams.policy, baseBackoffMs: 50, windowMs: 30_000 }
    env.core.ctx.events.subscribe((name, payload) => void events.push({ name, payload }))
  })
  afterAll(async () => {
    await client?.close()
    await env?.dispose()
    await fake?.close()
    vi.restoreAllMocks()
  })

  it('shows "needs sign-in" for a protected server until the user signs in', async () => {
    const added = await env.core.invoke('bridge.upstream.addRemote', { name: 'remote', url: fake.url })
    expect(added.ok).toBe(true)
    const s = await waitFor(async () => {
      const u = await upstreamStatus(env.core, 'remote')
      return u.state === 'needs_sign_in' && u
    })
    expect(s.remote).toMatchObject({ url: fake.url, transport: 'streamable-http', auth: 'needs_sign_in' })
    expect(s.lastError).toMatch(/needs sign-in.*upstream login remote/)
    // The desktop's probe does not sign in: it says so.
    const probed = await env.core.invoke('bridge.upstream.probe', { url: fake.url })
    expect(probed).toMatchObject({
      ok: false,
      error: {
        code: 'OAUTH_FAILED',
        message: expect.stringMatching(/OAuth sign-in/),
        key: 'remote_sign_in_first',
      },
    })
    // Nothing registered or authorized behind the user's back.
    expect(fake.registrations).toBe(0)
    expect(events.some((e) => e.name === 'bridge.upstreamSignInNeeded')).toBe(true)
  })

  it('a wrong URL checked from the desktop names its cause with a key the UI translates', async () => {
    const wrongPath = await env.core.invoke('bridge.upstream.probe', { url: `${fake.origin}/wrong` })
    expect(wrongPath).toMatchObject({
      ok: false,
      error: {
        code: 'UPSTREAM_ERROR',
        key: 'remote_http_status',
        params: { url: `${fake.origin}/wrong`, status: 404 },
      },
    })
    const port = await closedPort()
    const nobody = await env.core.invoke('bridge.upstream.probe', { url: `http://127.0.0.1:${port}/mcp` })
    expect(nobody).toMatchObject({
      ok: false,
      error: { code: 'UNREACHABLE', key: 'remote_unreachable', params: { url: `http://127.0.0.1:${port}` } },
    })
  })

  it('signs in with DCR, PKCE S256, state and resource; a forged state is refused', async () => {
    const r = await signIn({ tamperState: true })
    expect(r.tampered).toBe(400)
    expect(r.callback).toBe(200)
    expect(fake.registrations).toBe(1)
    const q = r.authorizeUrl.searchParams
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(32)
    expect(q.get('resource')).toBe(fake.url)
    expect(q.get('scope')).toBe('mcp')
    expect(new URL(q.get('redirect_uri')!).hostname).toBe('127.0.0.1')
    const exchange = fake.tokenRequests.find((t) => t.get('grant_type') === 'authorization_code')!
    expect(exchange.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/)
    expect(exchange.get('resource')).toBe(fake.url)
    const s = await waitFor(async () => {
      const u = await upstreamStatus(env.core, 'remote')
      return u.state === 'running' && u
    })
    expect(s.remote?.auth).toBe('signed_in')
    expect(s.remote?.grantExpiresAt).toBeGreaterThan(Date.now())
    expect(s.remote?.scope).toBe('mcp')
  })

  it('a tool call through the bridge reaches the server with the token its AS issued', async () => {
    client = await connectClient(env.url, env.token)
    const r = await call('whoami')
    const who = JSON.parse(r.text) as { authorizationSha256: string; grant: number }
    expect(who.grant).toBe(1)
    const accessToken = fake.issued[0]
    expect(who.authorizationSha256).toBe(sha256(`Bearer ${accessToken}`))
    // The app's kb_ token stops at the bridge.
    expect(fake.headerValues.some((v) => v.includes(env.token) || v.includes('kb_'))).toBe(false)
  })

  it('refreshes an expired access token by itself', async () => {
    const before = fake.presented.at(-1)
    fake.expireAll()
    const r = await call('whoami')
    expect(r.isError).toBe(false)
    expect(fake.tokenRequests.some((t) => t.get('grant_type') === 'refresh_token')).toBe(true)
    expect(fake.presented.at(-1)).not.toBe(before)
    expect(JSON.parse(r.text).authorizationSha256).toBe(sha256(`Bearer ${fake.presented.at(-1)}`))
  })

  it('gives a server that ended the session a new one, transparently', async () => {
    const sessions = fake.sessions.initialized.length
    fake.sessions.endAll()
    const r = await call('echo')
    expect(r.isError).toBe(false)
    expect(fake.sessions.initialized.length).toBe(sessions + 1)
  })

  it('403 insufficient_scope asks for a step-up sign-in with the wider scope', async () => {
    const denied = await call('admin_op')
    expect(denied.isError).toBe(true)
    expect(denied.text).toMatch(/wider permission.*mcp admin/)
    const s = await upstreamStatus(env.core, 'remote')
    expect(s.remote?.auth).toBe('needs_sign_in')
    expect(s.state).toBe('running') // the other tools keep working meanwhile
    expect((await call('whoami')).isError).toBe(false)
    const r = await signIn()
    expect(r.authorizeUrl.searchParams.get('scope')).toBe('mcp admin')
    await waitFor(async () => (await upstreamStatus(env.core, 'remote')).state === 'running')
    const ok = await call('admin_op')
    expect(ok.isError).toBe(false)
    expect(JSON.parse(ok.text).scopes).toEqual(['mcp', 'admin'])
    expect((await upstreamStatus(env.core, 'remote')).remote).toMatchObject({
      auth: 'signed_in',
      scope: 'mcp admin',
    })
  })

  it('a refused refresh leaves "needs sign-in": its tools answer a clear error until signed in again', async () => {
    const seen = events.length
    fake.refuseRefresh = true
    fake.expireAll()
    const r = await call('whoami')
    expect(r.isError).toBe(true)
    expect(r.text).toMatch(/needs sign-in/)
    await waitFor(async () => (await upstreamStatus(env.core, 'remote')).state === 'needs_sign_in')
    // Still listed, still a clear answer.
    const again = await call('whoami')
    expect(again.text).toMatch(/needs sign-in.*upstream login remote/)
    expect(events.slice(seen).some((e) => e.name === 'bridge.upstreamSignInNeeded')).toBe(true)
    fake.refuseRefresh = false
    await signIn()
    await waitFor(async () => (await upstreamStatus(env.core, 'remote')).state === 'running')
    expect((await call('whoami')).isError).toBe(false)
  })

  it('never lets a token the AS issued reach the data dir, the audit rows, the logs or a tool result', async () => {
    // A server that echoes the very token it was sent: the bridge redacts it like any stored secret.
    const echoed = await client.callTool({
      name: await toolName(client, 'remote', 'echo'),
      arguments: { text: `token=${fake.presented.at(-1)}` },
    })
    expect(textOf(echoed)).toMatch(/^token=/)
    const results = [await call('whoami'), await call('admin_op'), { raw: JSON.stringify(echoed) }]
      .map((r) => r.raw)
      .join('\n')
    const canaries = fake.issued
    expect(canaries.length).toBeGreaterThan(4)
    for (const c of canaries) expect(results).not.toContain(c)
    env.core.ctx.db.pragma('wal_checkpoint(PASSIVE)')
    expect(filesContaining(env.core.dataDir, ['CANARY'])).toEqual([])
    const audit = JSON.stringify(env.core.ctx.db.prepare('SELECT * FROM audit_log').all())
    expect(audit).not.toContain('CANARY')
    expect(logged.join('\n')).not.toContain('CANARY')
    const listed = JSON.stringify(await env.core.invoke('bridge.upstream.list', undefined))
    expect(listed).not.toContain('CANARY')
    // The client secret DCR may return and the refresh tokens are sealed too.
    const row = env.core.ctx.db.prepare('SELECT * FROM bridge_upstream_grants').get() as Record<
      string,
      unknown
    >
    expect(Buffer.isBuffer(row['tokens'])).toBe(true)
  })

  it('ends its session with DELETE when the bridge stops', async () => {
    await client.close()
    const live = fake.sessions.initialized.at(-1)!
    await env.bridge.stop()
    expect(fake.sessions.deleted).toContain(live)
  })
})

describe('an authorization server without PKCE S256', () => {
  it('is refused before any registration or browser', async () => {
    const fake = await startOAuthMcpServer({ noS256: true })
    const env = await startBridge({ approvalMode: 'approve_all' })
    try {
      await env.core.invoke('bridge.upstream.addRemote', { name: 'nopkce', url: fake.url })
      const config = env.bridge.upstreams.store.require('nopkce')
      await expect(env.bridge.upstreams.remote.startSignIn(config)).rejects.toThrow(/PKCE \(S256\)/)
      expect(fake.registrations).toBe(0)
      expect(fake.authorizeParams).toHaveLength(0)
    } finally {
      await env.dispose()
      await fake.close()
    }
  })
})

describe('a remote upstream whose URL was changed outside Keybridge', () => {
  it('sends neither its headers nor its grant to the new URL', async () => {
    const { startBearerMcpServer } = await import('../../fakes/mcp-oauth/bearer-server')
    const good = await startBearerMcpServer({ token: 'header-secret-value-123' })
    const evil = await startBearerMcpServer({})
    const env = await startBridge({ approvalMode: 'approve_all' })
    try {
      await env.core.invoke('bridge.upstream.addRemote', {
        name: 'plain',
        url: good.url,
        headers: { Authorization: 'Bearer header-secret-value-123' },
      })
      await waitFor(async () => (await upstreamStatus(env.core, 'plain')).state === 'running')
      const id = env.bridge.upstreams.store.require('plain').id
      env.bridge.upstreams.store
        .grantStorage(id)
        .saveTokens({ access_token: 'CANARY_x', token_type: 'Bearer' })
      env.core.ctx.db.prepare('UPDATE bridge_upstreams SET url = ? WHERE id = ?').run(evil.url, id)
      const r = await env.core.invoke('bridge.upstream.restart', { name: 'plain' })
      expect(r.ok).toBe(true)
      const s = await upstreamStatus(env.core, 'plain')
      expect(s.state).toBe('broken')
      expect(s.lastError).toMatch(/changed outside Keybridge/)
      expect(evil.headerValues.join('\n')).not.toContain('header-secret-value-123')
      expect(() => env.bridge.upstreams.store.grantStorage(id).tokens()).toThrow(/another URL/)
    } finally {
      await env.dispose()
      await good.close()
      await evil.close()
    }
  })
})

describe('a pre-registered OAuth client', () => {
  it('is used instead of dynamic registration; its secret stays sealed', async () => {
    const fake = await startOAuthMcpServer()
    const secret = 'CANARY_CS_' + 'c'.repeat(24)
    fake.addClient('my-desktop-app', secret)
    const env = await startBridge({ approvalMode: 'approve_all' })
    try {
      const added = await env.core.invoke('bridge.upstream.addRemote', {
        name: 'corp',
        url: fake.url,
        clientId: 'my-desktop-app',
        clientSecret: secret,
      })
      expect(added.ok).toBe(true)
      const { flow } = await env.bridge.upstreams.remote.startSignIn(
        env.bridge.upstreams.store.require('corp'),
      )
      expect(new URL(flow.authorizeUrl).searchParams.get('client_id')).toBe('my-desktop-app')
      await followAuthorization(flow.authorizeUrl)
      await flow.done
      expect(fake.registrations).toBe(0)
      const exchange = fake.tokenRequests.find((t) => t.get('grant_type') === 'authorization_code')!
      expect(exchange.get('client_id')).toBe('my-desktop-app')
      await env.bridge.upstreams.signedIn('corp')
      await waitFor(async () => (await upstreamStatus(env.core, 'corp')).state === 'running')
      env.core.ctx.db.pragma('wal_checkpoint(PASSIVE)')
      expect(filesContaining(env.core.dataDir, ['CANARY'])).toEqual([])
    } finally {
      await env.dispose()
      await fake.close()
    }
  })
})

describe('an unreachable remote server', () => {
  it('shows "unreachable" with the reason, retries with backoff, and reconnects when it is back', async () => {
    const { startBearerMcpServer } = await import('../../fakes/mcp-oauth/bearer-server')
    let server = await startBearerMcpServer({})
    const port = Number(new URL(server.url).port)
    const env = await startBridge({ approvalMode: 'approve_all' })
    env.bridge.upstreams.policy = {
      ...env.bridge.upstreams.policy,
      baseBackoffMs: 100,
      maxBackoffMs: 400,
      maxFailures: 50,
    }
    try {
      await env.core.invoke('bridge.upstream.addRemote', { name: 'flaky', url: server.url })
      await waitFor(async () => (await upstreamStatus(env.core, 'flaky')).state === 'running')
      const client = await connectClient(env.url, env.token)
      const echo = await toolName(client, 'flaky', 'echo')
      await server.close()
      const failed = await client.callTool({ name: echo, arguments: { text: 'x' } })
      expect(failed.isError).toBe(true)
      const down = await waitFor(async () => {
        const s = await upstreamStatus(env.core, 'flaky')
        return s.state === 'backoff' && s.restarts >= 1 && s
      })
      expect(down.lastError).toMatch(/unreachable \(ECONNREFUSED\)/)
      server = await startBearerMcpServer({ port })
      await waitFor(async () => (await upstreamStatus(env.core, 'flaky')).state === 'running', 15_000)
      expect(textOf(await client.callTool({ name: echo, arguments: { text: 'back' } }))).toBe('back')
      await client.close()
    } finally {
      await env.dispose()
      await server.close()
    }
  })
})

describe('an access token about to expire', () => {
  it('is refreshed before the request that would carry it, not after a 401', async () => {
    // 30 s tokens: always inside the minute before expiry in which Keybridge renews.
    const fake = await startOAuthMcpServer({ accessTtlSeconds: 30 })
    const env = await startBridge({ approvalMode: 'approve_all' })
    const status = () => upstreamStatus(env.core, 'short')
    try {
      await env.core.invoke('bridge.upstream.addRemote', { name: 'short', url: fake.url })
      await waitFor(async () => (await status()).state === 'needs_sign_in')
      const { flow } = await env.bridge.upstreams.remote.startSignIn(
        env.bridge.upstreams.store.require('short'),
      )
      await followAuthorization(flow.authorizeUrl, {})
      await flow.done
      await env.bridge.upstreams.signedIn('short')
      await waitFor(async () => (await status()).state === 'running')

      const refreshes = () => fake.tokenRequests.filter((t) => t.get('grant_type') === 'refresh_token').length
      const [refreshedBefore, refusedBefore] = [refreshes(), fake.unauthorized]
      const client = await connectClient(env.url, env.token)
      try {
        const r = await client.callTool({ name: await toolName(client, 'short', 'whoami'), arguments: {} })
        expect(r.isError).toBeFalsy()
        expect(refreshes()).toBeGreaterThan(refreshedBefore)
        expect(fake.unauthorized).toBe(refusedBefore)
        // The call carried the newest access token (issued holds access, refresh pairs).
        expect(fake.presented.at(-1)).toBe(fake.issued.at(-2))
        expect(JSON.parse(textOf(r)).authorizationSha256).toBe(sha256(`Bearer ${fake.issued.at(-2)}`))
      } finally {
        await client.close()
      }
    } finally {
      await env.dispose()
      await fake.close()
    }
  })
})

import { randomUUID } from 'node:crypto'
import { OAuth2Server } from 'oauth2-mock-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { REFRESH_AHEAD_MS } from '../../../electron/core/providers/oauth/refresher'
import { makeCore } from '../../helpers/core'
import { startFake, type FakeServer } from '../../fakes/providers/fake-server'
import { deviceState, GITHUB_DEVICE_TOKEN, githubFake } from '../../fakes/providers/github'

type Core = Awaited<ReturnType<typeof makeCore>>
const CLIENT_ID = 'kb-desktop-client'
const CLIENT_SECRET = 'GOCSPX-desktopNotReallySecret'

let oauth: OAuth2Server
let github: FakeServer
let core: Core
let clock: ManualClock
/** Every token the mock server issued: none may leak. */
const issued = new Set<string>()
const revoked = new Set<string>()
const tokenRequests: Record<string, string>[] = []
const events: [string, unknown][] = []
const notes: { title: string; body: string }[] = []
const logged: string[] = []

beforeAll(async () => {
  oauth = new OAuth2Server(undefined, undefined, { endpoints: { userinfo: '/oauth2/v3/userinfo' } })
  await oauth.issuer.keys.generate('RS256')
  await oauth.start(0, '127.0.0.1')
  // Unique tokens even within one second (the mock's JWTs are otherwise deterministic).
  oauth.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    token.payload['jti'] = randomUUID()
  })
  oauth.service.on(
    'beforeResponse',
    (res: { body: Record<string, unknown>; statusCode: number }, req: { body: Record<string, string> }) => {
      tokenRequests.push({ ...req.body })
      if (req.body['grant_type'] === 'refresh_token') {
        // Rotation: a refresh token works once; a revoked one gets invalid_grant.
        if (revoked.has(req.body['refresh_token'])) {
          res.statusCode = 400
          res.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }
          return
        }
        revoked.add(req.body['refresh_token'])
      }
      for (const k of ['access_token', 'refresh_token', 'id_token'])
        if (typeof res.body[k] === 'string') issued.add(res.body[k] as string)
    },
  )
  oauth.service.on(
    'beforeUserinfo',
    (
      res: { body: Record<string, unknown>; statusCode: number },
      req: { headers: Record<string, string> },
    ) => {
      const token = (req.headers['authorization'] ?? '').replace(/^Bearer /, '')
      if (!issued.has(token)) {
        res.statusCode = 401
        res.body = { error: 'invalid_token' }
        return
      }
      res.body = { sub: '110169484474386276334', email: 'ada@example.com', email_verified: true }
    },
  )
  github = await startFake(githubFake.spec)
})
afterAll(async () => {
  await oauth.stop()
  await github.close()
})

beforeEach(async () => {
  clock = new ManualClock(Date.now())
  events.length = 0
  notes.length = 0
  logged.length = 0
  for (const m of ['log', 'error', 'warn', 'info'] as const) {
    vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')))
  }
  const iss = oauth.issuer.url!
  core = await makeCore({
    unlocked: true,
    clock,
    notify: (n) => void notes.push(n),
    env: {
      KEYBRIDGE_GOOGLE_AUTH_URL: `${iss}/authorize`,
      KEYBRIDGE_GOOGLE_TOKEN_URL: `${iss}/token`,
      KEYBRIDGE_GOOGLE_BASE_URL: iss,
      KEYBRIDGE_GITHUB_BASE_URL: github.url,
      KEYBRIDGE_GITHUB_DEVICE_URL: `${github.url}/login/device/code`,
      KEYBRIDGE_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
    },
  })
  core.ctx.events.subscribe((name, payload) => void events.push([name, payload]))
})
afterEach(async () => {
  const audit = JSON.stringify(core.ctx.db.prepare('SELECT * FROM audit_log').all())
  await core.dispose()
  const everything = [audit, ...logged, JSON.stringify(events), JSON.stringify(notes)].join('\n')
  for (const t of [...issued, CLIENT_SECRET, GITHUB_DEVICE_TOKEN]) expect(everything).not.toContain(t)
  vi.restoreAllMocks()
})

async function ok<T>(channel: string, input: unknown): Promise<T> {
  const r = await core.invoke(channel, input)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.data as T
}

interface Status {
  state: string
  message: string
  credential: { id: string; status: string; account: string | null; expiresAt: number | null } | null
}
const status = (flowId: string) => ok<Status>('services.oauthStatus', { flowId })
const secretsOf = (id: string) => core.ctx.credentials.readSecrets(id, { actor: 'system', action: 'test' })

/** What the system browser does: follow the authorize URL, land on the loopback redirect. */
async function browse(authorizeUrl: string): Promise<Response> {
  const toIdp = await fetch(authorizeUrl, { redirect: 'manual' })
  expect(toIdp.status).toBe(302)
  return fetch(toIdp.headers.get('location')!)
}

async function connectGoogle(): Promise<string> {
  const start = await ok<{ flowId: string; authorizeUrl: string; redirectUri: string }>(
    'services.oauthStart',
    {
      service: 'google',
      name: 'me',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    },
  )
  const page = await browse(start.authorizeUrl)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('Connected')
  const s = await status(start.flowId)
  expect(s.state).toBe('completed')
  return s.credential!.id
}

describe('OAuth authorization code with PKCE on a loopback redirect', () => {
  it('connects: S256 challenge, state, loopback on 127.0.0.1, exchange, account, sealed tokens', async () => {
    tokenRequests.length = 0
    const start = await ok<{ flowId: string; authorizeUrl: string; redirectUri: string }>(
      'services.oauthStart',
      {
        service: 'google',
        name: 'me',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      },
    )
    const u = new URL(start.authorizeUrl)
    expect(u.searchParams.get('code_challenge_method')).toBe('S256')
    expect(u.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(u.searchParams.get('state')).toBeTruthy()
    expect(u.searchParams.get('access_type')).toBe('offline')
    expect(u.searchParams.get('prompt')).toBe('consent')
    expect(start.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
    expect(u.searchParams.get('redirect_uri')).toBe(start.redirectUri)

    // A redirect with the wrong state is not ours: refused, and the flow keeps waiting.
    const forged = await fetch(`${start.redirectUri}?code=stolen&state=wrong`)
    expect(forged.status).toBe(400)
    expect((await status(start.flowId)).state).toBe('pending')

    expect((await browse(start.authorizeUrl)).status).toBe(200)
    const s = await status(start.flowId)
    expect(s).toMatchObject({
      state: 'completed',
      credential: { status: 'active', account: 'ada@example.com' },
    })
    expect(s.credential!.expiresAt).toBe(clock.now() + 3600_000)
    const exchange = tokenRequests.find((r) => r['grant_type'] === 'authorization_code')!
    expect(exchange['code_verifier']).toMatch(/^[A-Za-z0-9_-]{43,128}$/)
    expect(exchange['client_secret']).toBe(CLIENT_SECRET)
    expect(exchange['redirect_uri']).toBe(start.redirectUri)
    const secrets = secretsOf(s.credential!.id)
    expect(Object.keys(secrets).sort()).toEqual(['accessToken', 'clientSecret', 'refreshToken'])
    expect(issued.has(secrets['accessToken'])).toBe(true)
    expect(events).toContainEqual([
      'services.oauthCompleted',
      expect.objectContaining({ ok: true, credentialId: s.credential!.id }),
    ])
    // The loopback listener is gone once the flow ends.
    await expect(fetch(start.redirectUri)).rejects.toThrow()
  })

  it('fails the flow when the user denies access', async () => {
    const start = await ok<{ flowId: string; redirectUri: string; authorizeUrl: string }>(
      'services.oauthStart',
      {
        service: 'google',
        name: 'denied',
        clientId: CLIENT_ID,
      },
    )
    const state = new URL(start.authorizeUrl).searchParams.get('state')!
    const res = await fetch(`${start.redirectUri}?error=access_denied&state=${state}`)
    expect(res.status).toBe(400)
    expect(await status(start.flowId)).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('access_denied'),
    })
    expect(core.ctx.credentials.list()).toHaveLength(0)
  })

  it('refreshes ahead of expiry, stores a rotated refresh token, and marks a revoked grant expired', async () => {
    const id = await connectGoogle()
    const first = secretsOf(id)
    const waitForAudit = (outcome: string) =>
      vi.waitFor(
        () => {
          const n = core.ctx.db
            .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refreshed' AND outcome = ?")
            .get(outcome) as { n: number }
          expect(n.n).toBeGreaterThan(0)
        },
        { timeout: 5_000, interval: 20 },
      )

    clock.advance(3600_000 - REFRESH_AHEAD_MS - 1_000)
    expect(secretsOf(id)['accessToken']).toBe(first['accessToken'])
    clock.advance(1_000)
    await waitForAudit('ok')
    const second = secretsOf(id)
    expect(second['accessToken']).not.toBe(first['accessToken'])
    expect(second['refreshToken']).not.toBe(first['refreshToken'])
    expect(revoked.has(first['refreshToken'])).toBe(true)
    expect(core.ctx.credentials.get(id).expiresAt).toBe(clock.now() + 3600_000)
    expect(core.ctx.credentials.get(id).status).toBe('active')

    // The grant is revoked upstream: the next refresh gets invalid_grant.
    revoked.add(second['refreshToken'])
    clock.advance(3600_000)
    await waitForAudit('error')
    await vi.waitFor(() => expect(core.ctx.credentials.get(id).status).toBe('expired'), { timeout: 2_000 })
    expect(core.ctx.credentials.get(id).validationError).toMatch(/revoked or has expired/)
    expect(events).toContainEqual([
      'credentials.attention',
      expect.objectContaining({ id, kind: 'expired', status: 'expired' }),
    ])
    expect(notes).toContainEqual(expect.objectContaining({ title: 'google/me has expired' }))
  })

  it('revalidation refreshes a due token before checking', async () => {
    const id = await connectGoogle()
    const before = secretsOf(id)['accessToken']
    clock.advance(3600_000 - 30_000)
    const r = await ok<{ results: { status: string; validation: { outcome: string; account: string } }[] }>(
      'credentials.revalidate',
      { id },
    )
    expect(r.results[0]).toMatchObject({
      status: 'active',
      validation: { outcome: 'valid', account: 'ada@example.com' },
    })
    expect(secretsOf(id)['accessToken']).not.toBe(before)
  })
})

describe('GitHub device flow', () => {
  it('returns the user code, polls through pending and slow_down, then stores the token', async () => {
    deviceState.pendingPolls = 2
    deviceState.slowDownOnce = true
    const start = await ok<{
      flowId: string
      userCode: string
      verificationUri: string
      intervalSeconds: number
    }>('services.oauthStartDevice', { service: 'github', name: 'laptop', clientId: 'Iv1.0123456789abcdef' })
    expect(start).toMatchObject({
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://github.com/login/device',
      intervalSeconds: 5,
    })
    for (let i = 0; i < 10 && (await status(start.flowId)).state === 'pending'; i++) {
      clock.advance(10_000)
      await new Promise((r) => setTimeout(r, 30))
    }
    const s = await status(start.flowId)
    expect(s).toMatchObject({ state: 'completed', credential: { status: 'active', account: 'octocat' } })
    expect(deviceState.polls).toBe(3)
    expect(secretsOf(s.credential!.id)).toEqual({ accessToken: GITHUB_DEVICE_TOKEN })
  })
})

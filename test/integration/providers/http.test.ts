import { createServer } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { HttpFailure, parseRetryAfter, ProviderHttp } from '../../../electron/core/providers/http'
import { Validator } from '../../../electron/core/providers/validator'
import { startFake, type FakeReply, type FakeServer } from '../../fakes/providers/fake-server'
import { GITHUB_PAT, githubFake } from '../../fakes/providers/github'

let fake: FakeServer
let github: FakeServer
const http = new ProviderHttp({ timeoutMs: 400, backoffMs: 5, maxBytes: 256 * 1024 })

async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  try {
    await p
  } catch (e) {
    if (e instanceof HttpFailure) return e
    throw e
  }
  throw new Error('expected a failure')
}

beforeAll(async () => {
  let calls = 0
  fake = await startFake({
    handle: (r): FakeReply => {
      if (r.path === '/same-origin') return { status: 302, headers: { location: '/ok' } }
      if (r.path === '/forbidden') return { status: 403, body: { message: 'Forbidden' } }
      if (r.path === '/unauthorized') return { status: 401, body: { message: 'Unauthorized' } }
      if (r.path === '/ok') return { status: 200, body: { ok: true } }
      if (r.path === '/limited-once') {
        calls++
        return calls === 1
          ? { status: 429, headers: { 'retry-after': '0' }, body: {} }
          : { status: 200, body: { ok: true } }
      }
      return { status: 404, body: {} }
    },
  })
  github = await startFake(githubFake.spec)
})
afterEach(() => {
  fake.mode = 'normal'
  github.mode = 'normal'
})
afterAll(async () => {
  await fake.close()
  await github.close()
  await http.close()
})

describe('provider HTTP', () => {
  it('retries a 5xx with backoff and succeeds', async () => {
    fake.mode = 'server_error_once'
    fake.requests.length = 0
    const res = await http.send({ url: `${fake.url}/ok` })
    expect(res.status).toBe(200)
    expect(fake.requests).toHaveLength(2)
  })

  it('gives up after a bounded number of 5xx retries', async () => {
    fake.mode = 'server_error'
    fake.requests.length = 0
    const res = await http.send({ url: `${fake.url}/ok`, retries: 2 })
    expect(res.status).toBe(500)
    expect(fake.requests).toHaveLength(3)
  })

  it('times out a response that never comes', async () => {
    fake.mode = 'hang'
    const started = Date.now()
    const f = await failure(http.send({ url: `${fake.url}/ok`, retries: 0 }))
    expect(f.reason).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('stops reading an oversized body', async () => {
    fake.mode = 'huge'
    const f = await failure(http.send({ url: `${fake.url}/ok` }))
    expect(f.reason).toBe('unexpected_response')
    expect(f.message).toMatch(/larger than/)
  })

  it('follows a same-origin redirect but refuses one to another host', async () => {
    expect((await http.send({ url: `${fake.url}/same-origin` })).status).toBe(200)
    fake.mode = 'redirect_away'
    const f = await failure(http.send({ url: `${fake.url}/ok` }))
    expect(f.reason).toBe('unexpected_response')
    expect(f.message).toContain('another host')
  })

  it('reports a refused connection as unreachable', async () => {
    const srv = createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const port = (srv.address() as { port: number }).port
    await new Promise<void>((r) => srv.close(() => r()))
    const f = await failure(http.send({ url: `http://127.0.0.1:${port}/`, retries: 0 }))
    expect(f.reason).toBe('unreachable')
  })

  it('reports a broken TLS handshake as tls_error', async () => {
    const f = await failure(http.send({ url: fake.url.replace('http:', 'https:') + '/ok', retries: 0 }))
    expect(f.reason).toBe('tls_error')
  })

  it('waits for a short Retry-After only when asked to', async () => {
    const res = await http.send({ url: `${fake.url}/limited-once`, maxRetryAfterMs: 1_000 })
    expect(res.status).toBe(200)
  })

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('120')).toBe(120)
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29)
    expect(parseRetryAfter('soon')).toBeNull()
  })
})

describe('typed validation failures (GitHub fake)', () => {
  const validator = () =>
    new Validator({
      http,
      clock: new ManualClock(),
      env: { KEYBRIDGE_GITHUB_BASE_URL: github.url },
      userAgent: 'Keybridge/test',
      perMinute: 100,
    })
  const cred = { fields: {}, secrets: { token: GITHUB_PAT } }

  it.each([
    ['hang', 'timeout'],
    ['huge', 'unexpected_response'],
    ['server_error', 'unexpected_response'],
    ['rate_limited', 'rate_limited'],
  ] as const)('%s → %s, never echoing the token', async (mode, reason) => {
    github.mode = mode
    const v = await validator().check('github', cred)
    expect(v.outcome).toBe('unreachable')
    expect(v.reason).toBe(reason)
    expect(JSON.stringify(v)).not.toContain(GITHUB_PAT)
  })

  it('maps 401 to bad_credentials and a plain 403 to forbidden', async () => {
    const v = validator()
    const custom = (path: string) => ({
      fields: {
        baseUrl: fake.url,
        headerName: 'Authorization',
        headerTemplate: 'Bearer {{secret}}',
        validatePath: path,
      },
      secrets: { secret: 'topsecret-value' },
    })
    const forbidden = await v.check('custom', custom('/forbidden'))
    expect([forbidden.outcome, forbidden.reason]).toEqual(['invalid', 'forbidden'])
    const unauthorized = await v.check('custom', custom('/unauthorized'))
    expect([unauthorized.outcome, unauthorized.reason]).toEqual(['invalid', 'bad_credentials'])
    const noUa = await http.send({
      url: `${github.url}/user`,
      headers: { authorization: `Bearer ${GITHUB_PAT}` },
    })
    expect(noUa.status).toBe(403)
  })

  it('refuses an 11th validation of one service within a minute with RATE_LIMITED', async () => {
    const v = new Validator({
      http,
      clock: new ManualClock(),
      env: { KEYBRIDGE_GITHUB_BASE_URL: github.url, KEYBRIDGE_MISTRAL_BASE_URL: fake.url },
      userAgent: 'Keybridge/test',
    })
    for (let i = 0; i < 10; i++) await v.check('github', cred)
    await expect(v.check('github', cred)).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    // Other services have their own budget.
    await expect(v.check('mistral', { fields: {}, secrets: { apiKey: 'x' } })).resolves.toBeTruthy()
  })
})

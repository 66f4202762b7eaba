import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { MAX_RESPONSE_BYTES } from '../../../electron/core/bridge/api-tools'
import { addCredential, connectClient, startBridge, textOf } from './support'

const GH_TOKEN = 'ghp_Reflected+Secret/Value=0123456789'
const JIRA_TOKEN = 'ATATT3xFfGF0Reflect"Jira\\Secret42'
const EMAIL = 'me@example.com'

const b64 = (s: string) => Buffer.from(s).toString('base64')
const b64url = (s: string) => Buffer.from(s).toString('base64url')
const hex = (s: string) => Buffer.from(s).toString('hex')

/** Every way a hostile provider might hand a value back. */
function encodings(v: string): Record<string, string> {
  return {
    raw: v,
    json: JSON.stringify(v).slice(1, -1),
    url: encodeURIComponent(v),
    form: encodeURIComponent(v).replace(/%20/g, '+'),
    base64: b64(v),
    base64url: b64url(v),
    // Shifted by one and two bytes: the value inside a longer base64 text.
    base64shift1: b64('x' + v),
    base64shift2: b64('xy' + v),
    hex: hex(v),
    hexUpper: hex(v).toUpperCase(),
    upper: v.toUpperCase(),
    lower: v.toLowerCase(),
  }
}

/**
 * A provider that reflects its request's Authorization header: raw, in every encoding, as header values,
 * and (on /straddle?at=N) with the header placed N bytes before the bridge's 256 KiB cut.
 */
function reflector(): Promise<{ server: Server; base: string; seen: string[] }> {
  const seen: string[] = []
  const server = createServer((req, res) => {
    const auth = String(req.headers.authorization)
    seen.push(auth)
    const bare = auth.replace(/^\S+\s+/, '')
    const decoded = Buffer.from(bare, 'base64').toString('utf8')
    const url = new URL(req.url!, 'http://x')
    if (url.pathname === '/straddle') {
      const at = Number(url.searchParams.get('at'))
      const which = url.searchParams.get('form') ?? 'raw'
      const value = encodings(which === 'decoded' ? decoded : auth)[which === 'decoded' ? 'raw' : which]
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end('x'.repeat(MAX_RESPONSE_BYTES - at) + value + 'y'.repeat(64))
      return
    }
    const values: Record<string, unknown> = {}
    for (const [label, v] of Object.entries({ auth, bare, decoded }))
      for (const [form, e] of Object.entries(encodings(v))) values[`${label}.${form}`] = e
    res.writeHead(200, {
      'Content-Type': 'application/json',
      Link: `<https://x.example/?t=${encodeURIComponent(auth)}>; rel="next"`,
      'X-Ratelimit-Echo': b64(decoded),
      ETag: hex(bare),
    })
    res.end(JSON.stringify({ values, [auth]: 'the header as a key' }))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  )
}

/** Fails when the text holds any 8-character run of a secret, case ignored (a recoverable piece of it). */
function expectNoPiece(text: string, secret: string, what: string): void {
  const lower = text.toLowerCase()
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8).toLowerCase()
    expect(lower.includes(piece), `${what}: "${piece}" came back`).toBe(false)
  }
}

describe('redaction of reflected secrets', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let fake: Awaited<ReturnType<typeof reflector>>
  let client: Client
  const tool = async (service: string) =>
    (await client.listTools()).tools.find((t) => t.name.startsWith(service) && t.name.endsWith('api_read'))!
      .name

  beforeAll(async () => {
    fake = await reflector()
    env = await startBridge({
      approvalMode: 'approve_all',
      env: { KEYBRIDGE_GITHUB_BASE_URL: fake.base, KEYBRIDGE_JIRA_BASE_URL: fake.base },
    })
    addCredential(env.core, 'github', 'personal', { token: GH_TOKEN })
    addCredential(env.core, 'jira', 'acme', { apiToken: JIRA_TOKEN }, { site: fake.base, email: EMAIL })
    client = await connectClient(env.url, env.token)
  })
  afterAll(async () => {
    await client.close()
    await env.dispose()
    fake.server.close()
  })

  for (const service of ['github', 'jira']) {
    it(`${service}: no encoding of the secret or of the auth header comes back, and the result says so`, async () => {
      const r = await client.callTool({ name: await tool(service), arguments: { path: '/reflect' } })
      const auth = fake.seen.at(-1)!
      expect(auth).toMatch(service === 'jira' ? /^Basic / : /^Bearer /)
      const text = JSON.stringify(r)
      const secret = service === 'jira' ? JIRA_TOKEN : GH_TOKEN
      for (const [form, v] of Object.entries(encodings(secret))) expectNoPiece(text, v, `secret ${form}`)
      const bare = auth.replace(/^\S+\s+/, '')
      for (const [form, v] of Object.entries(encodings(bare))) expectNoPiece(text, v, `header ${form}`)
      if (service === 'jira') {
        // The Basic pair decodes to email:token: neither it nor its encodings survive.
        for (const [form, v] of Object.entries(encodings(`${EMAIL}:${JIRA_TOKEN}`)))
          expect(text.toLowerCase().includes(v.toLowerCase()), `pair ${form}`).toBe(false)
      }
      const meta = (r._meta ?? {}) as Record<string, unknown>
      expect(meta['keybridge/redacted']).toBeGreaterThanOrEqual(20)
      const out = JSON.parse(textOf(r)) as { redacted: number }
      expect(out.redacted).toBeGreaterThanOrEqual(20)
      env.bridge['auditWriter'].flush()
      const row = env.core.ctx.db
        .prepare("SELECT detail FROM audit_log WHERE action = 'tool_call' ORDER BY id DESC LIMIT 1")
        .get() as { detail: string }
      expect(JSON.parse(row.detail).redacted).toBeGreaterThanOrEqual(20)
    })
  }

  it('a secret straddling the 256 KiB cut is replaced whole: no prefix to complete with a second call', async () => {
    for (const service of ['github', 'jira']) {
      const name = await tool(service)
      const secret = service === 'jira' ? JIRA_TOKEN : GH_TOKEN
      for (const form of ['raw', 'json', 'base64', 'hex', 'upper', 'decoded']) {
        for (const at of [1, 7, 20, 33, 60]) {
          const r = await client.callTool({ name, arguments: { path: '/straddle', query: { at, form } } })
          const out = JSON.parse(textOf(r)) as { body: string; truncated: boolean }
          expect(out.truncated).toBe(true)
          const tail = out.body.slice(-200)
          const what = `${service} ${form} at ${at}`
          for (const v of Object.values(encodings(secret))) expectNoPiece(tail, v, what)
          const bare = fake.seen.at(-1)!.replace(/^\S+\s+/, '')
          expectNoPiece(tail, bare, `${what} (header)`)
          // The cut is where it was promised, or just past it when the last thing before it was a secret.
          expect(Buffer.byteLength(out.body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES + 16)
        }
      }
    }
  }, 60_000)

  it('refuses to save a secret too short to redact, naming the field, and stores nothing', async () => {
    const r = await env.core.invoke('credentials.create', {
      service: 'github',
      name: 'tiny',
      fields: { token: 'ab1' },
      saveAnyway: true,
      validate: false,
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(JSON.stringify(r)).toMatch(/shorter than 6 characters/)
    expect(JSON.stringify(r)).not.toContain('ab1')
    expect(env.core.ctx.credentials.list().some((c) => c.name === 'tiny')).toBe(false)
  })
})

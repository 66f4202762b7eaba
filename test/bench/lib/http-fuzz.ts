import { HUGE_STRINGS, randomString, randomValue, Rng, seedFor } from './fuzz-values'
import { isAlive, rssMbOf } from './proc'
import { httpRequest, rawExchange, type RawOutcome, type RawRequest } from './raw-http'

export const CATEGORIES = [
  'bad-json',
  'wrong-jsonrpc',
  'in-session',
  'bad-headers',
  'bad-http',
  'huge-body',
  'deep-json',
  'slow-body',
] as const
export type Category = (typeof CATEGORIES)[number]

/** Share of the requests each category gets (slow clients held open come on top). */
const WEIGHTS: Record<Category, number> = {
  'bad-json': 14,
  'wrong-jsonrpc': 20,
  'in-session': 20,
  'bad-headers': 24,
  'bad-http': 12,
  'huge-body': 1,
  'deep-json': 3,
  'slow-body': 6,
}

export interface HttpFuzzOptions {
  host: string
  port: number
  /** A valid client token, so most requests reach the MCP layer instead of stopping at 401. */
  token: string
  /** The server's pid, for liveness and RSS (it runs in another process). */
  pid?: number
  seed: number
  total: number
  concurrency?: number
  /** Clients that send part of a request and then stall, held open while the fuzz runs. */
  stalledClients?: number
  stallMs?: number
  log?: (line: string) => void
}

export interface HttpFuzzReport {
  seed: number
  total: number
  durationMs: number
  /** category → outcome label ('400', '413', 'closed', ...) → count */
  outcomes: Record<string, Record<string, number>>
  /** "category: case" → outcome label → count */
  cases: Record<string, Record<string, number>>
  stalled: { clients: number; heldMs: number; outcomes: Record<string, number> }
  /** Anything that is not an HTTP answer in the 2xx–4xx range (or a deliberate close of an oversized body). */
  findings: { category: string; what: string; outcome: string }[]
  health: { checks: number; failures: number; maxMs: number }
  /** Server RSS: before, at half-way, peak, and after the run (settled: the lowest over 12 idle seconds). */
  rss: { beforeMb: number; halfMb: number; peakMb: number; afterMb: number } | null
  alive: boolean
}

interface Case {
  category: Category
  what: string
  req: RawRequest
}

const INIT = (id: number | string) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'kb-fuzz', version: '1.0.0' },
  },
})

/** JSON text for any generated value (BigInt and friends become strings rather than throwing). */
function json(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null'
  } catch {
    return 'null'
  }
}

function label(o: RawOutcome): string {
  if (o.kind === 'status') return o.status === 0 ? 'not-http' : String(o.status)
  if (o.kind === 'error') return o.code === 'ECONNRESET' || o.code === 'EPIPE' ? 'closed' : `error:${o.code}`
  return o.kind
}

/** Opens an MCP session the way a client does (initialize, then initialized) and returns its id. */
async function openSession(base: string, token: string): Promise<string> {
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  }
  const res = await fetch(`${base}/mcp`, { method: 'POST', headers, body: JSON.stringify(INIT(1)) })
  const id = res.headers.get('mcp-session-id')
  await res.text()
  if (!res.ok || !id) throw new Error(`initialize answered ${res.status} without a session`)
  const ack = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { ...headers, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  })
  await ack.text()
  return id
}

/** Builds the malformed requests, deterministically from the seed. */
class CaseMaker {
  private readonly rng: Rng
  constructor(
    seed: number,
    private readonly o: HttpFuzzOptions,
    private readonly sessions: string[],
  ) {
    this.rng = new Rng(seedFor(seed, 'http'))
  }

  private get host(): [string, string] {
    return ['Host', `${this.o.host}:${this.o.port}`]
  }
  private headers(
    extra: [string, string][] = [],
    o: { auth?: boolean; session?: boolean } = {},
  ): [string, string][] {
    const h: [string, string][] = [
      this.host,
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json, text/event-stream'],
      ['Connection', 'close'],
    ]
    if (o.auth !== false) h.push(['Authorization', `Bearer ${this.o.token}`])
    if (o.session) {
      h.push(['Mcp-Session-Id', this.rng.pick(this.sessions)], ['MCP-Protocol-Version', '2025-06-18'])
    }
    return [...h, ...extra]
  }
  private post(
    body: Buffer | string,
    extra: [string, string][] = [],
    o: { auth?: boolean; session?: boolean } = {},
  ) {
    const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')
    return httpRequest('POST', '/mcp', [...this.headers(extra, o), ['Content-Length', String(b.length)]], b)
  }
  private one(category: Category, what: string, parts: Buffer[], extra: Partial<RawRequest> = {}): Case {
    return { category, what, req: { parts, deadlineMs: 10_000, ...extra } }
  }

  make(category: Category): Case {
    const r = this.rng
    switch (category) {
      case 'bad-json': {
        const bodies: [string, Buffer | string][] = [
          ['empty body', ''],
          ['truncated object', '{"jsonrpc":"2.0","id":1,"method":"tools/li'],
          ['lone brace', '{'],
          ['trailing comma', '{"jsonrpc":"2.0","id":1,"method":"ping",}'],
          ['single quotes', "{'jsonrpc':'2.0'}"],
          ['NaN literal', '{"jsonrpc":"2.0","id":NaN,"method":"ping"}'],
          ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
          ['UTF-16 BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')])],
          ['NUL bytes', Buffer.alloc(64)],
          ['random bytes', Buffer.from(Array.from({ length: 1 + r.int(400) }, () => r.int(256)))],
          ['random text', randomString(r, 1 + r.int(200))],
          [
            'two documents',
            '{"jsonrpc":"2.0","id":1,"method":"ping"}{"jsonrpc":"2.0","id":2,"method":"ping"}',
          ],
        ]
        const [what, body] = r.pick(bodies)
        return this.one(category, what, [this.post(body, [], { session: r.chance(0.5) })])
      }
      case 'wrong-jsonrpc': {
        const msgs: [string, unknown][] = [
          ['null', null],
          ['number', 42],
          ['string', 'ping'],
          ['empty array (batch)', []],
          ['batch of junk', [1, 'a', null, {}]],
          ['batch of initializes', [INIT(1), INIT(2)]],
          ['missing jsonrpc', { id: 1, method: 'ping' }],
          ['jsonrpc 1.0', { jsonrpc: '1.0', id: 1, method: 'ping' }],
          ['method is a number', { jsonrpc: '2.0', id: 1, method: 7 }],
          ['id is an object', { jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }],
          ['id is huge', { jsonrpc: '2.0', id: 'i'.repeat(100_000), method: 'ping' }],
          ['params is a string', { jsonrpc: '2.0', id: 1, method: 'tools/list', params: 'x' }],
          ['unknown method', { jsonrpc: '2.0', id: 1, method: randomString(r, 12) }],
          ['response without request', { jsonrpc: '2.0', id: 99, result: {} }],
          ['error object', { jsonrpc: '2.0', id: 1, error: { code: 'x', message: 5 } }],
          [
            'initialize with junk params',
            { jsonrpc: '2.0', id: 1, method: 'initialize', params: randomValue(r) },
          ],
          ['initialize without params', { jsonrpc: '2.0', id: 1, method: 'initialize' }],
          [
            'prototype keys',
            JSON.parse('{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{"x":1},"constructor":{}}'),
          ],
          ['random value', randomValue(r)],
        ]
        const [what, msg] = r.pick(msgs)
        return this.one(category, what, [this.post(json(msg), [], { session: r.chance(0.6) })])
      }
      case 'in-session': {
        const tool = r.pick([
          'no.such.tool',
          '',
          'x'.repeat(5000),
          '../../etc',
          '__proto__',
          randomString(r, 10),
        ])
        const msgs: [string, unknown][] = [
          ['tools/list', { jsonrpc: '2.0', id: r.int(1e6), method: 'tools/list' }],
          [
            'tools/list bad cursor',
            { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: randomValue(r) } },
          ],
          [
            'tools/call unknown tool',
            { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: {} } },
          ],
          [
            'tools/call junk arguments',
            {
              jsonrpc: '2.0',
              id: 1,
              method: 'tools/call',
              params: { name: tool, arguments: randomValue(r) },
            },
          ],
          ['tools/call no name', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} }],
          [
            'resources/read',
            { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///etc/passwd' } },
          ],
          ['prompts/get', { jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'x' } }],
          [
            'logging/setLevel junk',
            { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'loud' } },
          ],
          ['initialize again', INIT(r.int(100))],
          ['ping', { jsonrpc: '2.0', id: 'p', method: 'ping' }],
          [
            'cancel unknown request',
            { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 12345 } },
          ],
          [
            'huge arguments',
            {
              jsonrpc: '2.0',
              id: 1,
              method: 'tools/call',
              params: { name: tool, arguments: { a: HUGE_STRINGS[0].slice(0, 900_000) } },
            },
          ],
        ]
        const [what, msg] = r.pick(msgs)
        const variant = r.int(10)
        // Mostly a real session; sometimes an unknown, malformed or missing one.
        if (variant === 0) {
          return this.one(category, `${what}, unknown session`, [
            this.post(json(msg), [['Mcp-Session-Id', crypto.randomUUID()]]),
          ])
        }
        if (variant === 1) {
          const bad = r.pick(['', ' ', 'x'.repeat(8000), '../../', '\u00ff\u00fe', 'null'])
          return this.one(category, `${what}, malformed session id`, [
            this.post(json(msg), [['Mcp-Session-Id', bad]]),
          ])
        }
        if (variant === 2) {
          const m = r.pick(['GET', 'DELETE'])
          return this.one(category, `${m} with a session`, [
            httpRequest(m, '/mcp', [...this.headers([], { session: true }), ['Content-Length', '0']]),
          ])
        }
        return this.one(category, what, [this.post(json(msg), [], { session: true })])
      }
      case 'bad-headers': {
        const body = JSON.stringify(INIT(1))
        const len: [string, string] = ['Content-Length', String(Buffer.byteLength(body))]
        const base = (auth: string | null, more: [string, string][] = []) => {
          const h: [string, string][] = [
            this.host,
            ['Content-Type', 'application/json'],
            ['Accept', 'application/json, text/event-stream'],
            ['Connection', 'close'],
            len,
          ]
          if (auth !== null) h.push(['Authorization', auth])
          return [...h, ...more]
        }
        const bearer = `Bearer ${this.o.token}`
        const cases: [string, () => [string, string][]][] = [
          ['no Authorization', () => base(null)],
          ['empty Bearer', () => base('Bearer ')],
          ['Basic auth', () => base('Basic dXNlcjpwYXNz')],
          ['invalid token', () => base(`Bearer kb_${randomString(r, 43).replace(/[^\w-]/g, 'A')}`)],
          ['token with trailing junk', () => base(`${bearer}x`)],
          ['two tokens', () => base(`${bearer} ${bearer}`)],
          ['huge Authorization', () => base(`Bearer ${'A'.repeat(60_000)}`)],
          ['lowercase bearer', () => base(`bearer ${this.o.token}`)],
          [
            'foreign Host',
            () =>
              base(bearer).map(
                ([k, v]) => (k === 'Host' ? [k, 'evil.example:80'] : [k, v]) as [string, string],
              ),
          ],
          [
            'Host with wrong port',
            () =>
              base(bearer).map(([k, v]) => (k === 'Host' ? [k, '127.0.0.1:1'] : [k, v]) as [string, string]),
          ],
          ['no Host', () => base(bearer).filter(([k]) => k !== 'Host')],
          ['two Hosts', () => [...base(bearer), ['Host', 'evil.example']]],
          ['foreign Origin', () => base(bearer, [['Origin', 'https://evil.example']])],
          ['Origin null', () => base(bearer, [['Origin', 'null']])],
          ['Origin garbage', () => base(bearer, [['Origin', randomString(r, 20)]])],
          [
            'text/plain body',
            () =>
              base(bearer).map(
                ([k, v]) => (k === 'Content-Type' ? [k, 'text/plain'] : [k, v]) as [string, string],
              ),
          ],
          ['no Accept', () => base(bearer).filter(([k]) => k !== 'Accept')],
          [
            'Accept text/html',
            () =>
              base(bearer).map(([k, v]) => (k === 'Accept' ? [k, 'text/html'] : [k, v]) as [string, string]),
          ],
          [
            'bad protocol version',
            () => base(bearer, [['MCP-Protocol-Version', r.pick(['1999-01-01', 'x', ''])]]),
          ],
          [
            '2,000 headers',
            () => [
              ...base(bearer),
              ...Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, 'v'] as [string, string]),
            ],
          ],
          ['header with obs-fold', () => [...base(bearer), ['X-Fold', 'a\r\n b']]],
          ['unicode header value', () => [...base(bearer), ['X-Name', 'é🔑']]],
        ]
        const [what, headers] = r.pick(cases)
        return this.one(category, what, [httpRequest('POST', '/mcp', headers(), body)])
      }
      case 'bad-http': {
        const h = this.headers()
        const cases: [string, () => Buffer][] = [
          [
            'unknown method',
            () => httpRequest(r.pick(['FOO', 'PATCH', 'PUT', 'OPTIONS', 'TRACE', 'CONNECT']), '/mcp', h),
          ],
          [
            'odd path',
            () =>
              httpRequest(
                'POST',
                r.pick([
                  '/mcp/../health',
                  '//mcp',
                  '/MCP',
                  '/mcp%00',
                  '/%2e%2e/mcp',
                  '*',
                  '/mcp?' + 'q'.repeat(4000),
                ]),
                [...h, ['Content-Length', '2']],
                '{}',
              ),
          ],
          ['HTTP/1.0', () => httpRequest('POST', '/mcp', [...h, ['Content-Length', '2']], '{}', 'HTTP/1.0')],
          ['HTTP/9.9', () => httpRequest('POST', '/mcp', h, undefined, 'HTTP/9.9')],
          ['HTTP/2 preface', () => Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
          ['not HTTP', () => Buffer.from(randomString(r, 1 + r.int(300)) + '\r\n\r\n')],
          ['binary junk', () => Buffer.from(Array.from({ length: 1 + r.int(500) }, () => r.int(256)))],
          [
            'CL and TE both',
            () =>
              httpRequest(
                'POST',
                '/mcp',
                [...h, ['Content-Length', '4'], ['Transfer-Encoding', 'chunked']],
                '0\r\n\r\n',
              ),
          ],
          [
            'bad chunk size',
            () =>
              httpRequest('POST', '/mcp', [...h, ['Transfer-Encoding', 'chunked']], 'zz\r\nabc\r\n0\r\n\r\n'),
          ],
          [
            'negative Content-Length',
            () => httpRequest('POST', '/mcp', [...h, ['Content-Length', '-5']], '{}'),
          ],
          [
            'two Content-Lengths',
            () => httpRequest('POST', '/mcp', [...h, ['Content-Length', '2'], ['Content-Length', '3']], '{}'),
          ],
          [
            'Content-Length too short',
            () => httpRequest('POST', '/mcp', [...h, ['Content-Length', '3']], JSON.stringify(INIT(1))),
          ],
          [
            'bare LF line ends',
            () =>
              Buffer.from(`POST /mcp HTTP/1.1\nHost: ${this.o.host}:${this.o.port}\nContent-Length: 2\n\n{}`),
          ],
          ['huge request line', () => httpRequest('GET', '/' + 'a'.repeat(70_000), h)],
        ]
        const [what, make] = r.pick(cases)
        return this.one(category, what, [make()])
      }
      case 'huge-body': {
        const cases: [string, () => Case][] = [
          [
            '1.5 MB JSON string',
            () =>
              this.one(category, '1.5 MB JSON string', [
                this.post(
                  JSON.stringify({
                    jsonrpc: '2.0',
                    id: 1,
                    method: 'ping',
                    params: { s: 'x'.repeat(1_500_000) },
                  }),
                ),
              ]),
          ],
          [
            'declared 1.2 MB, sends it all',
            () => {
              const body = Buffer.alloc(1_200_000, 0x20)
              const head = httpRequest('POST', '/mcp', [
                ...this.headers(),
                ['Content-Length', String(body.length)],
              ])
              return this.one(category, 'declared 1.2 MB, sends it all', [head, body])
            },
          ],
          [
            '20 MB chunked stream',
            () => {
              const head = httpRequest('POST', '/mcp', [...this.headers(), ['Transfer-Encoding', 'chunked']])
              const chunk = Buffer.concat([
                Buffer.from('100000\r\n'),
                Buffer.alloc(0x100000, 0x20),
                Buffer.from('\r\n'),
              ])
              return this.one(
                category,
                '20 MB chunked stream',
                [head, ...Array.from({ length: 20 }, () => chunk), Buffer.from('0\r\n\r\n')],
                { deadlineMs: 15_000 },
              )
            },
          ],
        ]
        return r.pick(cases)[1]()
      }
      case 'deep-json': {
        const depth = r.pick([1_000, 10_000, 100_000, 400_000])
        const kind = r.chance(0.5) ? 'array' : 'object'
        const body =
          kind === 'array'
            ? '['.repeat(depth) + ']'.repeat(depth)
            : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
        const wrapped = r.chance(0.5)
          ? `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"v":${body}}}}`
          : body
        return this.one(category, `${kind} nested ${depth} deep${wrapped === body ? '' : ' in arguments'}`, [
          this.post(wrapped, [], { session: wrapped !== body }),
        ])
      }
      case 'slow-body': {
        const body = Buffer.from(JSON.stringify(INIT(1)))
        const head = httpRequest('POST', '/mcp', [...this.headers(), ['Content-Length', String(body.length)]])
        // A complete request dribbled out a few bytes at a time: the server must wait, then answer.
        const parts: Buffer[] = [head]
        for (let i = 0; i < body.length; i += 16) parts.push(body.subarray(i, i + 16))
        return this.one(category, 'request sent 16 bytes at a time', parts, { gapMs: 5, deadlineMs: 15_000 })
      }
    }
  }
}

/**
 * Clients that stall on purpose: headers cut short, a body that never completes, or a body declared
 * at 10 GB of which 1 MB arrives. The server may hold them until its request timeout; meanwhile it
 * must keep answering everyone else.
 */
function stalledRequest(o: HttpFuzzOptions, i: number, holdMs: number): RawRequest {
  const partialHeaders = Buffer.from(
    `POST /mcp HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\nAuthorization: Bearer ${o.token}\r\n`,
  )
  const bodyHead = httpRequest('POST', '/mcp', [
    ['Host', `${o.host}:${o.port}`],
    ['Authorization', `Bearer ${o.token}`],
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json, text/event-stream'],
    ['Content-Length', '5000'],
  ])
  const hugeHead = httpRequest('POST', '/mcp', [
    ['Host', `${o.host}:${o.port}`],
    ['Authorization', `Bearer ${o.token}`],
    ['Content-Type', 'application/json'],
    ['Content-Length', String(10 * 2 ** 30)],
  ])
  const parts = [
    [partialHeaders],
    [bodyHead, Buffer.from('{"jsonrpc":"2.0",')],
    [hugeHead, Buffer.alloc(1_000_000, 0x20)],
  ][i % 3]
  return { parts, deadlineMs: holdMs }
}

/**
 * Throws `total` malformed HTTP and JSON-RPC requests at a running bridge from `concurrency` parallel
 * connections, with `stalledClients` slow clients held open the whole time, checking /health as it goes.
 * Deterministic for a seed (the order of answers under concurrency is not, the requests are).
 */
export async function fuzzHttp(o: HttpFuzzOptions): Promise<HttpFuzzReport> {
  const t0 = performance.now()
  const log = o.log ?? (() => {})
  const base = `http://${o.host}:${o.port}`
  const sessions = await Promise.all([1, 2, 3, 4].map(() => openSession(base, o.token)))
  const maker = new CaseMaker(o.seed, o, sessions)
  const weightTotal = Object.values(WEIGHTS).reduce((a, b) => a + b, 0)
  const plan: Category[] = []
  for (const c of CATEGORIES)
    for (let i = 0; i < Math.round((o.total * WEIGHTS[c]) / weightTotal); i++) plan.push(c)
  while (plan.length < o.total) plan.push('bad-headers')
  plan.length = o.total
  // Interleave categories deterministically so slow and heavy cases overlap with the rest.
  const order = new Rng(seedFor(o.seed, 'order'))
  for (let i = plan.length - 1; i > 0; i--) {
    const j = order.int(i + 1)
    ;[plan[i], plan[j]] = [plan[j], plan[i]]
  }

  const outcomes: HttpFuzzReport['outcomes'] = {}
  const cases: HttpFuzzReport['cases'] = {}
  const findings: HttpFuzzReport['findings'] = []
  const health = { checks: 0, failures: 0, maxMs: 0 }
  const rss = o.pid ? { beforeMb: rssMbOf(o.pid), halfMb: 0, peakMb: 0, afterMb: 0 } : null
  const sampler = o.pid
    ? setInterval(() => {
        const v = rssMbOf(o.pid!)
        if (rss && Number.isFinite(v)) rss.peakMb = Math.max(rss.peakMb, v)
      }, 100)
    : null

  const stallMs = o.stallMs ?? 3_000
  const stalledCount = o.stalledClients ?? 0
  const stalled = Promise.all(
    Array.from({ length: stalledCount }, (_, i) =>
      rawExchange(o.host, o.port, stalledRequest(o, i, stallMs)),
    ),
  )

  const checkHealth = async () => {
    const r = await rawExchange(o.host, o.port, {
      parts: [
        httpRequest('GET', '/health', [
          ['Host', `${o.host}:${o.port}`],
          ['Connection', 'close'],
        ]),
      ],
      deadlineMs: 5_000,
    })
    health.checks++
    health.maxMs = Math.max(health.maxMs, r.ms)
    if (!(r.kind === 'status' && r.status === 200)) health.failures++
  }

  let next = 0
  const worker = async () => {
    while (next < plan.length) {
      const i = next++
      const c = maker.make(plan[i])
      const out = await rawExchange(o.host, o.port, c.req)
      const l = label(out)
      const byCat = (outcomes[c.category] ??= {})
      byCat[l] = (byCat[l] ?? 0) + 1
      const byCase = (cases[`${c.category}: ${c.what.replace(/ \d+ deep/, ' N deep')}`] ??= {})
      byCase[l] = (byCase[l] ?? 0) + 1
      const isHttpError = out.kind === 'status' && out.status >= 200 && out.status < 500
      // Closing on an oversized request (after or instead of a 413) or on bytes that are not HTTP is a refusal too.
      const bytes = c.req.parts.reduce((n, p) => n + p.length, 0)
      const deliberateClose = l === 'closed' && (bytes > 1024 * 1024 || c.category === 'bad-http')
      if (!isHttpError && !deliberateClose && findings.length < 200)
        findings.push({ category: c.category, what: c.what, outcome: l })
      if (i % 500 === 499) {
        await checkHealth()
        log(`http fuzz: ${i + 1}/${plan.length}`)
      }
      // Requests that initialize push old sessions out (64 per token): keep fresh ones to fuzz inside.
      if (i % 250 === 249) {
        const fresh = await Promise.all([1, 2, 3, 4].map(() => openSession(base, o.token).catch(() => null)))
        for (const [k, id] of fresh.entries()) if (id) sessions[k] = id
      }
      if (i === Math.floor(plan.length / 2) && rss && o.pid) rss.halfMb = rssMbOf(o.pid)
    }
  }
  await Promise.all(Array.from({ length: o.concurrency ?? 16 }, worker))
  const stalledOutcomes: Record<string, number> = {}
  for (const s of await stalled) stalledOutcomes[label(s)] = (stalledOutcomes[label(s)] ?? 0) + 1
  await checkHealth()
  if (sampler) clearInterval(sampler)
  if (rss && o.pid) rss.afterMb = await settledRssMb(o.pid)
  return {
    seed: o.seed,
    total: plan.length,
    durationMs: performance.now() - t0,
    outcomes,
    cases,
    stalled: { clients: stalledCount, heldMs: stallMs, outcomes: stalledOutcomes },
    findings,
    health,
    rss,
    alive: o.pid ? isAlive(o.pid) : true,
  }
}

/**
 * The server's RSS once the round's garbage is collected: the lowest reading over a few idle seconds.
 * One reading a second after the last request lands anywhere between the live heap and the live heap
 * plus the round's last few hundred MB of garbage (1 MB bodies, 900 KB arguments, 100 KB ids), which V8
 * collects when its memory reducer runs on an idle heap (its first GC comes about 8 s after allocation
 * slows down, hence 12 s); a leak, unlike garbage, stays in every reading.
 */
async function settledRssMb(pid: number, ms = 12_000): Promise<number> {
  let low = rssMbOf(pid)
  for (const end = Date.now() + ms; Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 250))
    const v = rssMbOf(pid)
    if (Number.isFinite(v)) low = Math.min(low, v)
  }
  return low
}

/** Peak RSS allowed during a fuzz round, and growth allowed from one round's end to the next's. */
export const MEMORY_LIMITS = { peakMb: 1024, secondRoundGrowthMb: 64 }

/**
 * Memory is bounded when no round peaks above the limit and the last round over the same server ends
 * no more than a few tens of MB above the one before (allocations level off instead of piling up).
 * With three rounds the first is the warm-up: the server's RSS does not shrink back after its first
 * load (lazy loads, JIT, malloc arenas kept by the allocator), so rounds 2 and 3 show the trend.
 */
export function memoryBounded(...rounds: HttpFuzzReport[]): { ok: boolean; text: string } {
  if (rounds.length < 2 || rounds.some((r) => !r.rss))
    return { ok: true, text: 'not measured (no server pid)' }
  const rss = rounds.map((r) => r.rss!)
  const peak = Math.max(...rss.map((r) => r.peakMb))
  const [prev, last] = [rss.at(-2)!, rss.at(-1)!]
  const growth = last.afterMb - prev.afterMb
  const ok = peak < MEMORY_LIMITS.peakMb && growth < MEMORY_LIMITS.secondRoundGrowthMb
  const after = rss.map((r, i) => `round ${i + 1} ${r.afterMb.toFixed(0)} MB`).join(', ')
  return {
    ok,
    text: `peak ${peak.toFixed(0)} MB (limit ${MEMORY_LIMITS.peakMb}); after ${after} (last ${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB, limit +${MEMORY_LIMITS.secondRoundGrowthMb})`,
  }
}

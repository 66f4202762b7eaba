import { createServer, type IncomingHttpHeaders } from 'node:http'

export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
}

export interface FakeReply {
  status: number
  headers?: Record<string, string>
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown
}

/**
 * How the fake misbehaves, to reproduce documented failure shapes: the provider's own 429
 * (with Retry-After), 500s (always, or only the first time), a response that never comes, a
 * body over any sane cap, a redirect to another host.
 */
export type FakeMode =
  'normal' | 'rate_limited' | 'server_error' | 'server_error_once' | 'hang' | 'huge' | 'redirect_away'

export interface FakeServer {
  url: string
  mode: FakeMode
  requests: FakeRequest[]
  close(): Promise<void>
}

export interface FakeSpec {
  handle(req: FakeRequest): FakeReply
  /** The provider's documented 429 shape. */
  rateLimited?(req: FakeRequest): FakeReply
}

/** A provider fake: node:http on 127.0.0.1, port 0. */
export async function startFake(spec: FakeSpec): Promise<FakeServer> {
  let failedOnce = false
  const fake: FakeServer = { url: '', mode: 'normal', requests: [], close: async () => {} }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://fake')
      const r: FakeRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      fake.requests.push(r)
      if (fake.mode === 'hang') return // never answers; closed with the server
      if (fake.mode === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' })
        const block = Buffer.alloc(64 * 1024, 'a')
        for (let i = 0; i < 40; i++) res.write(block)
        res.end()
        return
      }
      if (fake.mode === 'redirect_away') {
        res.writeHead(302, { location: 'http://127.0.0.2:9/elsewhere' }).end()
        return
      }
      let reply: FakeReply
      if (fake.mode === 'rate_limited') {
        reply = spec.rateLimited?.(r) ?? {
          status: 429,
          headers: { 'retry-after': '30' },
          body: { message: 'rate limited' },
        }
      } else if (fake.mode === 'server_error' || (fake.mode === 'server_error_once' && !failedOnce)) {
        failedOnce = true
        reply = { status: 500, body: { message: 'Internal Server Error' } }
      } else {
        reply = spec.handle(r)
      }
      const isString = typeof reply.body === 'string'
      const text =
        reply.body === undefined ? '' : isString ? (reply.body as string) : JSON.stringify(reply.body)
      res.writeHead(reply.status, {
        'content-type': isString ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        ...reply.headers,
      })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  fake.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return fake
}

/** The bearer token of a request, or undefined. */
export function bearerOf(r: FakeRequest): string | undefined {
  const h = r.headers['authorization']
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined
}

/** Route table helper: `'GET /v1/users/me'` → handler. Unknown routes are 404. */
export function routes(table: Record<string, (r: FakeRequest) => FakeReply>): (r: FakeRequest) => FakeReply {
  return (r) => table[`${r.method} ${r.path}`]?.(r) ?? { status: 404, body: { message: 'Not Found' } }
}

/** One provider's fake plus what a test needs to drive the catalog entry against it. */
export interface ProviderFake {
  service: string
  spec: FakeSpec
  /** Form values (secret fields included) with a valid or an invalid secret; `base` is the fake's URL. */
  values(kind: 'valid' | 'invalid', base: string): Record<string, string>
  /** The account identifier validation must read from the valid answer (null: the API names none). */
  account: string | null
  /** Secrets that must never appear in messages, logs or audit rows. */
  secrets: string[]
}

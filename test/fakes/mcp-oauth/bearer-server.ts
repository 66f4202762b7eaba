// Remote MCP fakes without OAuth: a Streamable HTTP server that wants one static bearer token, and
// a legacy HTTP+SSE server (GET /sse + POST /messages, protocol 2024-11-05) with the same check.
import type { AddressInfo } from 'node:net'
import type { Server as HttpServer } from 'node:http'
import express, { type Request, type Response, type NextFunction } from 'express'
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js'
import { SessionHost } from './http-mcp'
import { fakeMcpServer } from './mcp-tools'

export interface BearerFake {
  url: string
  /** Every header value seen (to prove what did and did not arrive). */
  headerValues: string[]
  sessions: SessionHost
  /** Legacy SSE: open event streams. */
  sseStreams: number
  /** Ends every legacy SSE stream (the server "restarts"). */
  dropSse(): void
  close(): Promise<void>
}

export async function startBearerMcpServer(opts: {
  token?: string
  transport?: 'streamable-http' | 'sse'
  /** Answer every path with a redirect to this URL (redirect tests). */
  redirectTo?: string
  /** A fixed port (to come back on the same address after close); 0 picks one. */
  port?: number
}): Promise<BearerFake> {
  const app = express()
  const http: HttpServer = await new Promise((resolve) => {
    const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s))
  })
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const sse = new Map<string, { t: SSEServerTransport; res: Response }>()
  const fake: BearerFake = {
    url: opts.transport === 'sse' ? `${origin}/sse` : `${origin}/mcp`,
    headerValues: [],
    sessions: new SessionHost('bearer-fake'),
    get sseStreams() {
      return sse.size
    },
    dropSse() {
      for (const { res } of sse.values()) res.end()
      sse.clear()
    },
    close: async () => {
      fake.sessions.closeAll()
      fake.dropSse()
      http.closeAllConnections()
      await new Promise<void>((r) => http.close(() => r()))
    },
  }
  if (opts.redirectTo) {
    app.all('/*path', (_req, res) => void res.redirect(307, opts.redirectTo!))
    return fake
  }
  const check = (req: Request, res: Response, next: NextFunction) => {
    for (const v of Object.values(req.headers)) fake.headerValues.push(String(v))
    if (opts.token && req.header('authorization') !== `Bearer ${opts.token}`) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="fake"').send('401: Unauthorized')
      return
    }
    next()
  }
  if (opts.transport === 'sse') {
    app.get('/sse', check, async (req, res) => {
      const t = new SSEServerTransport('/messages', res)
      sse.set(t.sessionId, { t, res })
      res.on('close', () => sse.delete(t.sessionId))
      const server = fakeMcpServer('sse-fake', () => ({ authorization: req.header('authorization') }))
      await server.connect(t)
    })
    app.post('/messages', check, express.json(), async (req, res) => {
      const s = sse.get(String(req.query['sessionId']))
      if (!s) {
        res.status(404).send('Unknown session')
        return
      }
      await s.t.handlePostMessage(req, res, req.body)
    })
  } else {
    app.all('/mcp', check, express.json(), (req, res) => {
      void fake.sessions.handle(req, res, { authorization: req.header('authorization') })
    })
  }
  return fake
}

/** A web server that is not MCP at all: HTML for everything. */
export async function startNotMcpServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express()
  app.all(
    '/*path',
    (_req, res) => void res.type('html').send('<!doctype html><title>Hello</title><p>Not MCP.</p>'),
  )
  const http: HttpServer = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close: async () => {
      http.closeAllConnections()
      await new Promise<void>((r) => http.close(() => r()))
    },
  }
}

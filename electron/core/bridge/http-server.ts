import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import {
  isInitializeRequest,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../shared/errors'
import {
  allowedHostNames,
  bearerToken,
  coalesceWrites,
  hostAllowed,
  isLoopbackBind,
  isWildcardBind,
  originAllowed,
  peerAllowed,
  readBody,
  sendJson,
  sendJsonRpcError,
} from './http-guard'
import { BoundedEventStore } from './event-store'
import { portOwner } from './port-owner'
import { batchingAllowed, countMessages, type MessageCount, type RateLimiter } from './rate-limit'
import type { TokenCheck, TokenIdentity } from './tokens'

/** POST bodies above this are refused with 413 before parsing (the SDK's own limit is 4 MiB too). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024
/** Reconnect delay a client is told in SSE `retry:` fields. */
export const SSE_RETRY_MS = 1000
const MAX_SESSIONS = 512
const MAX_SESSIONS_PER_TOKEN = 64
const SESSION_IDLE_MS = 30 * 60_000

interface Session {
  id: string
  tokenId: string
  tokenName: string
  /** What the app said it is in `initialize` (clientInfo): self-reported, shown as a label only. */
  clientName: string | null
  clientVersion: string | null
  startedAt: number
  transport: StreamableHTTPServerTransport
  server: Server
  lastSeen: number
  /** Negotiated at initialize (what the SDK's server answers): decides whether batches are allowed. */
  protocolVersion: string
}

/** A POST refused before the SDK sees it (quotas): the status, headers and JSON body to answer. */
export interface Refusal {
  status: number
  headers: Record<string, string>
  body: unknown
}
/** A session as the UI sees it (no transport, no token value). */
export type SessionInfo = Omit<Session, 'transport' | 'server'>

export interface HttpDeps {
  version: string
  verify(token: string | undefined): TokenCheck
  rateLimiter: RateLimiter
  newServer(identity: TokenIdentity): Server
  /** Which peers count as this machine (default: loopback addresses); tests narrow it. */
  isLocalPeer?(address: string | undefined): boolean
  /** Admission of one POST body's JSON-RPC messages (quotas), after the rate limit; null lets them through. */
  admit?(identity: TokenIdentity, message: unknown): Refusal | null
  /** `/metrics`: the Prometheus exposition (absent: 404). */
  metrics?(): Promise<{ text: string; contentType: string }>
  /** Told about requests refused before MCP (metrics). */
  refused?(
    reason: Exclude<TokenCheck, { ok: true }>['reason'] | 'scope' | 'rate_limited',
    token?: string,
  ): void
  /** Called once a session is initialized (the guided connect waits for this). */
  onSessionStarted?(info: SessionInfo): void
  /** Called when a session ends (client DELETE, idle sweep, revocation). */
  onSessionClosed?(): void
}

/** The SDK's web-standard transport inside the Node one (not part of its typed API). */
interface PrimingTransport {
  writePrimingEvent(c: unknown, e: unknown, streamId: string, version: string): Promise<void>
}

/**
 * A POST's SSE answer starts with a priming event (id + retry) so that a client whose connection drops
 * can resume with Last-Event-ID. For a call answered at once that event only costs time (measured: it
 * doubles the relay latency of a quick upstream call), so it is sent only when the answer is not
 * ready within a few milliseconds. Every event (answers, progress, the GET stream's notifications)
 * carries an id either way.
 */
/**
 * The SDK's transport (and Hono's Node adapter under it) is loaded when the bridge first listens:
 * every `keybridge` command builds the bridge service, few serve, and loading it costs ~20 ms.
 */
let Transport: typeof StreamableHTTPServerTransport | undefined

function primeOnlyWhenSlow(transport: StreamableHTTPServerTransport): void {
  const inner = (transport as unknown as { _webStandardTransport?: PrimingTransport })._webStandardTransport
  if (!inner || typeof inner.writePrimingEvent !== 'function') return
  const prime = inner.writePrimingEvent.bind(inner)
  inner.writePrimingEvent = async (controller, encoder, streamId, version) => {
    const timer = setTimeout(() => {
      void prime(controller, encoder, streamId, version).catch(() => {})
    }, PRIME_AFTER_MS)
    timer.unref()
  }
}
/** A stream already answered by then is closed: the late priming write fails quietly. */
const PRIME_AFTER_MS = 20

const AUTH_REASON: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'Send Authorization: Bearer <token> with a Keybridge client token.',
  invalid: 'The client token is not valid.',
  expired: 'The client token has expired.',
  revoked: 'The client token has been revoked.',
  locked: 'Keybridge is locked: unlock it to use the bridge.',
  tampered:
    'The client token was changed outside Keybridge and is refused: review or delete it in Keybridge.',
  rolled_back:
    'The Keybridge vault file was rolled back to an older copy: review it in Keybridge before clients can connect.',
}

/**
 * Loud on purpose: a program listening on the bridge's port while Keybridge is down receives the bearer
 * tokens the apps send. Names the owner where the OS tells.
 */
export function portTakenMessage(host: string, port: number): string {
  const owner = portOwner(port)
  const who = owner ? `by another program (pid ${owner.pid}, ${owner.command})` : 'by another program'
  return `Port ${port} on ${host} is already in use ${who}, so the bridge did not start. If you did not start that program, it may be collecting the tokens your apps send to Keybridge: stop it, then rotate those client tokens ("keybridge token revoke" and create new ones). Otherwise choose another port for the bridge.`
}

const ONE_MESSAGE: MessageCount = { messages: 1, toolCalls: 0, batch: false }

/** The version the SDK's server answers initialize with: the client's when supported, else the latest. */
function negotiatedVersion(init: unknown): string {
  const asked = (init as { params?: { protocolVersion?: unknown } }).params?.protocolVersion
  return typeof asked === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(asked)
    ? asked
    : LATEST_PROTOCOL_VERSION
}

/**
 * The bridge's HTTP endpoint: `/mcp` (Streamable HTTP through the SDK's transport, one session per
 * initialize) and `/health`. Every request passes Host and Origin checks, then `/mcp` needs a client
 * token and a free slot in its rate limit. Nothing a client sends can throw out of here.
 */
export class BridgeHttpServer {
  private http: HttpServer | null = null
  private sessions = new Map<string, Session>()
  private sweeper: NodeJS.Timeout | null = null
  port = 0
  host = '127.0.0.1'
  /** The Host names requests may use (allowedHostNames of the bound address). */
  allowedHosts: ReadonlySet<string> = new Set(allowedHostNames('127.0.0.1'))

  constructor(private readonly deps: HttpDeps) {}

  /** The URL apps on this machine use (for a wildcard bind, the loopback address: also listened on). */
  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host
    const shown = isWildcardBind(this.host) ? '127.0.0.1' : h
    return `http://${shown}:${this.port}/mcp`
  }

  /** The address the socket is really bound to, `host:port` (`0.0.0.0:3003` for every interface). */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`
  }

  /** Reachable from other machines: bound to something other than loopback. */
  get exposed(): boolean {
    return !isLoopbackBind(this.host)
  }

  get sessionCount(): number {
    return this.sessions.size
  }

  /** Open sessions, most recently seen first. */
  sessionInfos(): SessionInfo[] {
    return [...this.sessions.values()]
      .map(({ transport: _t, server: _s, ...info }) => info)
      .sort((a, b) => b.lastSeen - a.lastSeen)
  }

  async listen(host: string, port: number): Promise<void> {
    Transport ??= (await import('@modelcontextprotocol/sdk/server/streamableHttp.js'))
      .StreamableHTTPServerTransport
    const http = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        try {
          sendJsonRpcError(res, 500, -32603, 'Internal error')
        } catch {
          res.destroy()
        }
      })
    })
    http.on('clientError', (_err, socket) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      else socket.destroy()
    })
    http.headersTimeout = 10_000
    http.requestTimeout = 60_000
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        reject(
          new AppError(
            'IO_ERROR',
            e.code === 'EADDRINUSE'
              ? portTakenMessage(host, port)
              : `The bridge could not listen on ${host}:${port} (${e.code ?? 'error'}).`,
          ),
        )
      }
      http.once('error', onError)
      http.listen(port, host, () => {
        http.off('error', onError)
        resolve()
      })
    })
    this.http = http
    const bound = http.address() as AddressInfo
    this.host = bound.address
    this.port = bound.port
    this.allowedHosts = new Set(allowedHostNames(this.host))
    this.sweeper = setInterval(() => this.sweepIdle(), 60_000)
    this.sweeper.unref()
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    const all = [...this.sessions.values()]
    this.sessions.clear()
    await Promise.all(all.map((s) => this.closeSession(s)))
    const http = this.http
    this.http = null
    if (!http) return
    await new Promise<void>((resolve) => {
      http.close(() => resolve())
      http.closeAllConnections()
    })
  }

  /** Tells every connected client that tools/list changed (on their GET stream). */
  notifyToolsChanged(): void {
    for (const s of this.sessions.values()) s.server.sendToolListChanged().catch(() => {})
  }

  /** Ends the sessions of a token (after revocation). */
  dropToken(tokenId: string): void {
    for (const s of [...this.sessions.values()]) if (s.tokenId === tokenId) this.removeSession(s)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The peer first, from the socket: on a loopback bind nothing from another machine gets in,
    // whatever Host it claims (a forwarded port, a proxy, a misconfigured firewall).
    if (!peerAllowed(req.socket.remoteAddress, this.host, this.deps.isLocalPeer)) {
      req.resume()
      return sendJsonRpcError(
        res,
        403,
        -32000,
        'Forbidden: this Keybridge bridge accepts connections from this computer only.',
        { Connection: 'close' },
      )
    }
    if (!hostAllowed(req.headers.host, this.port, this.allowedHosts)) {
      return sendJsonRpcError(
        res,
        403,
        -32000,
        'Forbidden: the Host header does not name this Keybridge bridge.',
      )
    }
    if (!originAllowed(req.headers.origin)) {
      return sendJsonRpcError(res, 403, -32000, 'Forbidden: requests from this Origin are not allowed.')
    }
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end()
        return
      }
      return sendJson(res, 200, { status: 'ok', version: this.deps.version })
    }
    if (path === '/metrics' && this.deps.metrics) return this.handleMetrics(req, res)
    if (path !== '/mcp') return sendJson(res, 404, { error: 'Not found. The MCP endpoint is /mcp.' })

    const identity = this.authenticate(req, res)
    if (!identity) return
    // Ending a session is never refused: a client over its limit must still be able to clean up.
    // A POST's messages are counted in handlePost, once its body is parsed; before that, an exhausted
    // token is refused without reading the body. Any other request is one message.
    if (req.method !== 'DELETE' && (req.method !== 'POST' || !this.deps.rateLimiter.hasRoom(identity.id))) {
      if (!this.admitMessages(res, identity, ONE_MESSAGE)) {
        req.resume()
        return
      }
    }
    const auth: AuthInfo = {
      token: identity.id,
      clientId: identity.name,
      scopes: identity.scopes,
      ...(identity.expiresAt ? { expiresAt: Math.floor(identity.expiresAt / 1000) } : {}),
      extra: { identity },
    }
    ;(req as IncomingMessage & { auth?: AuthInfo }).auth = auth

    const method = req.method ?? ''
    if (method === 'POST') return this.handlePost(req, res, identity)
    if (method === 'GET' || method === 'DELETE') {
      const session = this.sessionFor(req, res, identity)
      if (session) await session.transport.handleRequest(req, res)
      return
    }
    req.resume()
    res.writeHead(405, { Allow: 'GET, POST, DELETE' }).end()
  }

  /** The request's client token, or a 401 with its WWW-Authenticate challenge (then undefined). */
  private authenticate(req: IncomingMessage, res: ServerResponse): TokenIdentity | undefined {
    const check = this.deps.verify(bearerToken(req))
    if (check.ok) return check.identity
    this.deps.refused?.(check.reason)
    const challenge =
      check.reason === 'missing'
        ? 'Bearer realm="keybridge"'
        : `Bearer realm="keybridge", error="invalid_token", error_description="${AUTH_REASON[check.reason]}"`
    req.resume()
    // Locked or rolled back: the token may be fine, the bridge cannot vouch for it now (retry later).
    if (check.reason === 'locked' || check.reason === 'rolled_back') {
      sendJsonRpcError(res, 503, -32001, `Unavailable: ${AUTH_REASON[check.reason]}`, {
        'Retry-After': '30',
      })
      return undefined
    }
    sendJsonRpcError(res, 401, -32001, `Unauthorized: ${AUTH_REASON[check.reason]}`, {
      'WWW-Authenticate': challenge,
    })
    return undefined
  }

  /** `GET /metrics`: Prometheus text, for a client token whose scopes name `metrics`. */
  private async handleMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume()
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const identity = this.authenticate(req, res)
    if (!identity) return
    if (!identity.scopes.includes('metrics')) {
      this.deps.refused?.('scope', identity.name)
      return sendJsonRpcError(
        res,
        403,
        -32001,
        `Forbidden: the client token "${identity.name}" does not have the "metrics" scope.`,
        { 'WWW-Authenticate': 'Bearer realm="keybridge", error="insufficient_scope", scope="metrics"' },
      )
    }
    const { text, contentType } = await this.deps.metrics!()
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    })
    res.end(req.method === 'HEAD' ? undefined : text)
  }

  private async handlePost(
    req: IncomingMessage,
    res: ServerResponse,
    identity: TokenIdentity,
  ): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES)
    if (!body.ok) {
      if (body.tooLarge) {
        return this.refuse(
          res,
          identity,
          413,
          -32000,
          `Request body too large (the limit is ${MAX_BODY_BYTES} bytes).`,
          { Connection: 'close' },
        )
      }
      return
    }
    let message: unknown
    try {
      message = JSON.parse(body.text)
    } catch {
      return this.refuse(res, identity, 400, -32700, 'Parse error: Invalid JSON')
    }
    const count = countMessages(message)
    const sid = req.headers['mcp-session-id']
    if (sid !== undefined) {
      const known = typeof sid === 'string' ? this.sessions.get(sid) : undefined
      // A refused request is one message; sessionFor answers why.
      if (known?.tokenId !== identity.id && !this.admitMessages(res, identity, ONE_MESSAGE)) return
      const session = this.sessionFor(req, res, identity)
      if (!session) return
      if (count.batch && !batchingAllowed(session.protocolVersion)) {
        return this.refuse(
          res,
          identity,
          400,
          -32600,
          `Invalid Request: JSON-RPC batches are not part of MCP ${session.protocolVersion}; send one message per request.`,
        )
      }
      if (!this.admitMessages(res, identity, count) || this.quotaRefused(res, identity, message)) return
      coalesceWrites(res)
      await session.transport.handleRequest(req, res, message)
      return
    }
    if (!isInitializeRequest(message)) {
      return this.refuse(
        res,
        identity,
        400,
        -32000,
        'Bad Request: Mcp-Session-Id header is required (initialize first).',
      )
    }
    if (!this.admitMessages(res, identity, count) || this.quotaRefused(res, identity, message)) return
    await this.startSession(req, res, identity, message)
  }

  /** A refusal after the body was read counts as one message, so refused requests are not free. */
  private refuse(
    res: ServerResponse,
    identity: TokenIdentity,
    status: number,
    code: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    if (this.admitMessages(res, identity, ONE_MESSAGE)) sendJsonRpcError(res, status, code, message, headers)
  }

  /**
   * The one place where a request's JSON-RPC messages are counted against its token: the rate limit
   * (a batch takes one slot per message, all or none), then the hooked per-message limits (quotas).
   * Answers the refusal itself and returns false.
   */
  private admitMessages(res: ServerResponse, identity: TokenIdentity, count: MessageCount): boolean {
    const limit = this.deps.rateLimiter.take(identity.id, count.messages)
    if (!limit.ok) {
      this.deps.refused?.('rate_limited', identity.name)
      sendJsonRpcError(
        res,
        429,
        -32000,
        count.messages > 1
          ? `Too many requests: this batch of ${count.messages} messages is over the client token's rate limit.`
          : 'Too many requests: this client token is over its rate limit.',
        { 'Retry-After': String(limit.retryAfterSeconds) },
      )
      return false
    }
    return true
  }

  /** Quotas, counted per JSON-RPC call before the SDK sees the body: answers the refusal itself. */
  private quotaRefused(res: ServerResponse, identity: TokenIdentity, message: unknown): boolean {
    const refusal = this.deps.admit?.(identity, message)
    if (!refusal) return false
    const text = JSON.stringify(refusal.body)
    res.writeHead(refusal.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...refusal.headers,
    })
    res.end(text)
    return true
  }

  private async startSession(
    req: IncomingMessage,
    res: ServerResponse,
    identity: TokenIdentity,
    message: unknown,
  ): Promise<void> {
    this.makeRoom(identity.id)
    const server = this.deps.newServer(identity)
    const transport: StreamableHTTPServerTransport = new Transport!({
      sessionIdGenerator: () => randomUUID(),
      // SSE events carry ids and a retry interval; a client reconnecting with Last-Event-ID gets what
      // it missed (bounded per session).
      eventStore: new BoundedEventStore(),
      retryInterval: SSE_RETRY_MS,
      // A POST is answered as a short SSE stream, the SDK's default. Its JSON-response mode would save a
      // little per call, but in SDK 1.x it never releases a session's per-POST stream mapping (each keeps
      // the Response alive: ~18 KB per call, unbounded for a long session; typescript-sdk issue #2559),
      // found by the 60 s load run. Server-sent notifications still go out on the GET stream.
      onsessioninitialized: (id) => {
        const now = Date.now()
        const session: Session = {
          id,
          tokenId: identity.id,
          tokenName: identity.name,
          ...clientInfoOf(message),
          startedAt: now,
          transport,
          server,
          lastSeen: now,
          protocolVersion: negotiatedVersion(message),
        }
        this.sessions.set(id, session)
        const { transport: _t, server: _s, ...info } = session
        this.deps.onSessionStarted?.(info)
      },
      onsessionclosed: (id) => {
        if (this.sessions.delete(id)) this.deps.onSessionClosed?.()
      },
    })
    primeOnlyWhenSlow(transport)
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId)
    }
    await server.connect(transport)
    await transport.handleRequest(req, res, message)
    // Refused before a session existed (bad Accept, bad Content-Type): nothing to keep.
    if (!transport.sessionId || !this.sessions.has(transport.sessionId)) await server.close().catch(() => {})
  }

  /** The request's session, or an error response: 400 without the header, 404 unknown or someone else's. */
  private sessionFor(
    req: IncomingMessage,
    res: ServerResponse,
    identity: TokenIdentity,
  ): Session | undefined {
    const id = req.headers['mcp-session-id']
    if (typeof id !== 'string' || id.length === 0) {
      req.resume()
      sendJsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required.')
      return undefined
    }
    const s = this.sessions.get(id)
    // A session is bound to the token that opened it; another token gets the same answer as a stranger.
    if (!s || s.tokenId !== identity.id) {
      req.resume()
      sendJsonRpcError(res, 404, -32001, 'Session not found')
      return undefined
    }
    s.lastSeen = Date.now()
    return s
  }

  private makeRoom(tokenId: string): void {
    const mine = [...this.sessions.values()].filter((s) => s.tokenId === tokenId)
    if (mine.length >= MAX_SESSIONS_PER_TOKEN)
      this.removeSession(mine.sort((a, b) => a.lastSeen - b.lastSeen)[0])
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.lastSeen - b.lastSeen)[0]
      if (oldest) this.removeSession(oldest)
    }
  }

  private sweepIdle(): void {
    const cutoff = Date.now() - SESSION_IDLE_MS
    for (const s of [...this.sessions.values()]) if (s.lastSeen < cutoff) this.removeSession(s)
  }

  private removeSession(s: Session): void {
    if (this.sessions.delete(s.id)) this.deps.onSessionClosed?.()
    void this.closeSession(s)
  }

  private async closeSession(s: Session): Promise<void> {
    await s.server.close().catch(() => {})
  }
}

/** The app's self-description from an initialize request, cut to a label's length. */
function clientInfoOf(message: unknown): { clientName: string | null; clientVersion: string | null } {
  const info = (message as { params?: { clientInfo?: { name?: unknown; version?: unknown } } }).params
    ?.clientInfo
  const label = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 80) : null)
  return { clientName: label(info?.name), clientVersion: label(info?.version) }
}

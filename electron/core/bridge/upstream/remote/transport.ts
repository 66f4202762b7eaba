import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js'
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { auth, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js'
import type {
  FetchLike,
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { UpstreamFailure } from '../../../../../shared/ipc/bridge'
import { failure } from '../failure'
import { SignInRequired, type VaultOAuthProvider } from './oauth-provider'

export type RemoteTransportKind = 'streamable-http' | 'sse'

export interface RemoteTransportOptions {
  url: URL
  transport: RemoteTransportKind
  /** Resolved header values (vault secrets included): they live only in this object. */
  headers: Record<string, string>
  authProvider?: VaultOAuthProvider
  /** Why the connection is gone (session ended, unreachable, needs sign-in); the connection reconnects. */
  onLost?: (reason: UpstreamFailure, retryCall: boolean) => void
}

/** How long stopping waits for the server to acknowledge the DELETE of its session. */
const DELETE_TIMEOUT_MS = 2_000

/** Streamable HTTP that ends its session with DELETE when Keybridge stops using it (spec: SHOULD). */
class EndingStreamableTransport extends StreamableHTTPClientTransport {
  override async close(): Promise<void> {
    if (this.sessionId) {
      await Promise.race([
        this.terminateSession().catch(() => {}),
        new Promise((r) => setTimeout(r, DELETE_TIMEOUT_MS).unref()),
      ])
    }
    await super.close()
  }
}

/** Network failure (refused, reset, DNS) rather than an HTTP answer. */
function isNetworkError(e: unknown): boolean {
  return e instanceof TypeError && /fetch failed|network|terminated/i.test(e.message)
}

/** The server forgot our session: 404 on Streamable HTTP, a POST refused on the legacy SSE endpoint. */
function isSessionEnded(e: unknown, kind: RemoteTransportKind): boolean {
  if (e instanceof StreamableHTTPError) return e.code === 404
  return kind === 'sse' && e instanceof Error && /HTTP (404|400)\)/.test(e.message)
}

/** The HTTP status a remote server answered with, when that is what failed. */
export function remoteHttpStatus(e: unknown): number | null {
  if (e instanceof StreamableHTTPError) return e.code ?? null
  const m = e instanceof Error && !(e instanceof SseError) ? /HTTP (\d{3})/.exec(e.message) : null
  return m ? Number(m[1]) : null
}

/** A short, secret-free reason for status lines, with its code and parameters for the UI. */
export function remoteFailure(e: unknown): UpstreamFailure {
  if (e instanceof SignInRequired)
    return failure('needs_sign_in', 'needs sign-in', { server: e.upstream, stepUp: e.stepUp ? 1 : 0 })
  if (isNetworkError(e)) {
    const cause = (e as { cause?: { code?: string } }).cause?.code
    return failure('unreachable', `unreachable${cause ? ` (${cause})` : ''}`, cause ? { cause } : {})
  }
  if (e instanceof StreamableHTTPError)
    return failure('http_status', `the server answered HTTP ${e.code ?? '?'}`, { status: e.code ?? '?' })
  const m = e instanceof Error ? /HTTP (\d{3})/.exec(e.message) : null
  if (m) return failure('http_status', `the server answered HTTP ${m[1]}`, { status: Number(m[1]) })
  if (e instanceof SseError)
    return failure(
      'stream_ended',
      `the event stream failed${e.code ? ` (HTTP ${e.code})` : ''}`,
      e.code ? { status: e.code } : {},
    )
  return failure('not_mcp', 'not an MCP server, or it did not answer initialize')
}

/** A short, secret-free reason for status lines. */
export function describeRemoteError(e: unknown): string {
  return remoteFailure(e).message
}

const SESSION_GONE = failure('session_gone', 'the server ended the session')

/**
 * The SDK's client transport for a remote server, wrapped so that a lost session or server is
 * reported (and the connection reconnects, behind its circuit breaker) and a 403
 * insufficient_scope records the wider scope for a step-up sign-in. Redirects stay within the
 * server's origin (the SDK's default policy): a redirect to another host is refused.
 */
export function createRemoteTransport(opts: RemoteTransportOptions): Transport {
  // A configured Authorization header is the credential: OAuth does not apply then.
  const hasAuthHeader = Object.keys(opts.headers).some((k) => k.toLowerCase() === 'authorization')
  const provider = hasAuthHeader ? undefined : opts.authProvider
  const observe: FetchLike = async (url, init) => {
    const res = await fetch(url, init)
    if (res.status === 403 && provider) {
      const { error, scope } = extractWWWAuthenticateParams(res)
      if (error === 'insufficient_scope') provider.wantScope(scope)
    }
    return res
  }
  const common = { authProvider: provider, requestInit: { headers: opts.headers }, fetch: observe }
  const inner =
    opts.transport === 'sse'
      ? new SSEClientTransport(opts.url, common)
      : new EndingStreamableTransport(opts.url, common)
  return new WatchedTransport(
    inner,
    opts.transport,
    opts.onLost,
    provider && refresher(provider, opts.url, observe),
  )
}

/**
 * Renews an access token about to expire before the request that would carry it, so the call is not
 * first refused with 401 (the SDK refreshes only then). One refresh at a time; a failed one is left
 * to the SDK's 401 path, which says "needs sign-in" when the refresh token is refused.
 */
function refresher(provider: VaultOAuthProvider, serverUrl: URL, fetchFn: FetchLike): () => Promise<void> {
  let running: Promise<void> | null = null
  return () => {
    if (running) return running
    if (!provider.refreshDue()) return Promise.resolve()
    running = auth(provider, { serverUrl, fetchFn })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => (running = null))
    return running
  }
}

/** Forwards everything to the SDK transport; closes it when the session or the server is gone. */
export class WatchedTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: Transport['onmessage']
  /** Set once the server answered anything: failures before that are the connect's to report. */
  private established = false
  private lost = false

  constructor(
    private readonly inner: StreamableHTTPClientTransport | SSEClientTransport,
    private readonly kind: RemoteTransportKind,
    private readonly onLost?: (reason: UpstreamFailure, retryCall: boolean) => void,
    private readonly refreshAhead?: () => Promise<void>,
  ) {
    inner.onclose = () => this.onclose?.()
    inner.onmessage = (m) => {
      this.established = true
      this.onmessage?.(m)
    }
    inner.onerror = (e) => {
      this.onerror?.(e)
      // The legacy SSE stream dropped: its session is gone with it.
      if (this.kind === 'sse' && e instanceof SseError)
        this.lose(failure('stream_ended', 'the event stream ended'), false)
    }
  }

  get sessionId(): string | undefined {
    return this.inner instanceof StreamableHTTPClientTransport ? this.inner.sessionId : undefined
  }

  /** What initialize negotiated (the SDK tells the transport; a probe reports it). */
  protocolVersion: string | undefined

  setProtocolVersion(v: string): void {
    this.protocolVersion = v
    this.inner.setProtocolVersion?.(v)
  }

  async start(): Promise<void> {
    await this.inner.start()
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    await this.refreshAhead?.()
    try {
      await (this.inner as StreamableHTTPClientTransport).send(message, options)
    } catch (e) {
      if (e instanceof SignInRequired && !e.stepUp) this.lose(remoteFailure(e), false)
      else if (isSessionEnded(e, this.kind)) this.lose(SESSION_GONE, true)
      else if (isNetworkError(e)) this.lose(remoteFailure(e), false)
      throw e
    }
  }

  async close(): Promise<void> {
    await this.inner.close()
  }

  private lose(reason: UpstreamFailure, retryCall: boolean): void {
    if (this.lost || !this.established) return
    this.lost = true
    this.onLost?.(reason, retryCall)
    void this.inner.close().catch(() => {})
  }
}

export { isSessionEnded }

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { AppError } from '../../../../../shared/errors'
import type { ProbeResult } from '../../../../../shared/ipc/bridgeRemote'
import { MemoryGrantStorage } from './grant-store'
import { SignInRequired, VaultOAuthProvider } from './oauth-provider'
import { challenge, startSignIn, type SignInFlow } from './sign-in'
import {
  createRemoteTransport,
  describeRemoteError,
  remoteHttpStatus,
  type RemoteTransportKind,
  WatchedTransport,
} from './transport'

export interface ProbeOptions {
  url: URL
  transport?: RemoteTransportKind
  headers: Record<string, string>
  /** Called with a sign-in when the server asks for OAuth; the probe waits for it. */
  onSignIn?(flow: SignInFlow): void | Promise<void>
  timeoutMs?: number
  signInTimeoutMs?: number
}

/**
 * Connects once as Keybridge would (OAuth included, nothing stored): initialize, list tools, close.
 * Without a transport given, Streamable HTTP is tried first, then legacy SSE (the spec's fallback).
 */
export async function probeRemote(opts: ProbeOptions): Promise<ProbeResult> {
  const kinds: RemoteTransportKind[] = opts.transport ? [opts.transport] : ['streamable-http', 'sse']
  const storage = new MemoryGrantStorage()
  let signedIn = false
  let lastError: unknown
  // The first failure that was an HTTP answer: a wrong path answers 404 to Streamable HTTP, then the
  // SSE fallback fails less precisely.
  let answered: unknown
  for (const kind of kinds) {
    const ch = await challenge(opts.url, kind, opts.headers)
    if (ch.status === 401) {
      if (!opts.onSignIn)
        throw new AppError(
          'OAUTH_FAILED',
          'The server asks for an OAuth sign-in: add it, then sign in (keybridge upstream login, or Sign in).',
          { url: opts.url.href },
          'remote_sign_in_first',
        )
      const flow = await startSignIn(
        { upstream: opts.url.host, url: opts.url, transport: kind, headers: opts.headers, storage },
        opts.signInTimeoutMs,
      )
      await opts.onSignIn(flow)
      await flow.done
      signedIn = true
    }
    try {
      return { ...(await connectOnce(opts, kind, storage, opts.timeoutMs ?? 20_000)), signedIn }
    } catch (e) {
      lastError = e
      if (answered === undefined && remoteHttpStatus(e) !== null) answered = e
      if (e instanceof SignInRequired || e instanceof AppError) throw e
    }
  }
  // Keyed so the UI names the cause in its language: the status a wrong path answers, or not MCP at all.
  const cause = answered ?? lastError
  const status = remoteHttpStatus(cause)
  throw new AppError(
    'UPSTREAM_ERROR',
    `${opts.url.href}: ${describeRemoteError(cause)}.`,
    status === null ? { url: opts.url.href } : { url: opts.url.href, status },
    status === null ? 'remote_not_mcp' : 'remote_http_status',
  )
}

async function connectOnce(
  opts: ProbeOptions,
  kind: RemoteTransportKind,
  storage: MemoryGrantStorage,
  timeoutMs: number,
): Promise<Omit<ProbeResult, 'signedIn'>> {
  const transport = createRemoteTransport({
    url: opts.url,
    transport: kind,
    headers: opts.headers,
    authProvider: new VaultOAuthProvider({ upstream: opts.url.host, storage, mode: 'background' }),
  }) as WatchedTransport
  const client = new Client({ name: 'keybridge-probe', version: '1' }, { capabilities: {} })
  try {
    await client.connect(transport, { timeout: timeoutMs })
    const info = client.getServerVersion()
    const caps = client.getServerCapabilities() ?? {}
    const tools: string[] = []
    if (caps.tools) {
      let cursor: string | undefined
      for (let page = 0; page < 20; page++) {
        const r = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs })
        tools.push(...r.tools.map((t) => t.name))
        cursor = r.nextCursor
        if (!cursor) break
      }
    }
    return {
      url: opts.url.href,
      transport: kind,
      serverName: info?.name ?? '',
      serverVersion: info?.version ?? '',
      protocolVersion: transport.protocolVersion ?? null,
      capabilities: Object.keys(caps).sort(),
      tools,
    }
  } finally {
    await client.close().catch(() => {})
  }
}

import { auth, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js'
import { AppError } from '../../../../../shared/errors'
import { LoopbackReceiver } from '../../../providers/oauth/loopback'
import { unionScopes, type GrantStorage } from './grant-store'
import { VaultOAuthProvider } from './oauth-provider'
import type { RemoteTransportKind } from './transport'

/** How long Keybridge waits for the browser to come back (the 5 minutes). */
export const SIGN_IN_TIMEOUT_MS = 5 * 60_000

export interface SignInTarget {
  upstream: string
  url: URL
  transport: RemoteTransportKind
  headers: Record<string, string>
  storage: GrantStorage
  clientMetadataUrl?: string
}

export interface SignInFlow {
  authorizeUrl: string
  expiresAt: number
  /** Resolves when the grant is stored; rejects (AppError) on refusal, timeout or cancel. */
  done: Promise<void>
  cancel(): void
}

export interface Challenge {
  status: number
  resourceMetadataUrl?: URL
  scope?: string
}

/**
 * Asks the server once without credentials: a protected MCP server answers 401 with
 * `WWW-Authenticate: Bearer resource_metadata=…, scope=…` (an initialize POST for Streamable HTTP,
 * the event-stream GET for legacy SSE). Redirects are not followed.
 */
export async function challenge(
  url: URL,
  transport: RemoteTransportKind,
  headers: Record<string, string>,
): Promise<Challenge> {
  const init: RequestInit =
    transport === 'sse'
      ? { method: 'GET', headers: { ...headers, accept: 'text/event-stream' } }
      : {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 0,
            method: 'initialize',
            params: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              clientInfo: { name: 'keybridge', version: '1' },
            },
          }),
        }
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), 15_000)
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: ac.signal })
    await res.body?.cancel().catch(() => {})
    if (res.status !== 401) return { status: res.status }
    const p = extractWWWAuthenticateParams(res)
    return { status: 401, resourceMetadataUrl: p.resourceMetadataUrl, scope: p.scope }
  } catch {
    throw new AppError(
      'UNREACHABLE',
      `${url.origin} did not answer.`,
      { url: url.origin },
      'remote_unreachable',
    )
  } finally {
    clearTimeout(timer)
  }
}

/**
 * An interactive OAuth sign-in with the SDK's `auth()`: a loopback listener on 127.0.0.1 (RFC 8252),
 * a fresh authorization with PKCE S256, `state` and `resource`, then the code exchange. The state
 * of every callback is checked; a stray callback with a wrong state is refused and the real one
 * still completes the flow.
 */
export async function startSignIn(target: SignInTarget, timeoutMs = SIGN_IN_TIMEOUT_MS): Promise<SignInFlow> {
  const ch = await challenge(target.url, target.transport, target.headers)
  if (ch.status !== 401) {
    throw new AppError(
      'INVALID_INPUT',
      `"${target.upstream}" does not ask for sign-in (it answered HTTP ${ch.status} without credentials).`,
    )
  }
  const summary = target.storage.summary()
  // Step-up: ask for what the server's 403 named as well as what it asks for by default.
  const scope = unionScopes(ch.scope, summary.wantedScope)
  const receiver = new LoopbackReceiver()
  // Created once the listener knows its port; the callback reads it from here.
  const ref: { provider?: VaultOAuthProvider } = {}
  let settle: { resolve(): void; reject(e: unknown): void } | undefined
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  let finished = false
  const finish = (e?: unknown) => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    receiver.close()
    if (e) settle!.reject(e)
    else settle!.resolve()
  }
  const span =
    timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} min` : `${Math.round(timeoutMs / 1000)} s`
  const timer = setTimeout(
    () =>
      finish(new AppError('TIMEOUT', `No sign-in came back within ${span}: run the command again to retry.`)),
    timeoutMs,
  )
  timer.unref()

  const redirectUrl = await receiver.listen(async (cb) => {
    const provider = ref.provider
    if (finished || !provider) return { ok: false, message: 'This sign-in is over.' }
    const state = cb.searchParams.get('state')
    if (!state || state !== provider.pendingState) {
      return {
        ok: false,
        message: 'This answer does not belong to the sign-in Keybridge started (state mismatch).',
      }
    }
    const error = cb.searchParams.get('error')
    if (error) {
      const e = new AppError('OAUTH_FAILED', `The server refused the sign-in (${error.slice(0, 80)}).`)
      finish(e)
      return { ok: false, message: e.message }
    }
    const code = cb.searchParams.get('code')
    if (!code) return { ok: false, message: 'The answer carries no authorization code.' }
    try {
      const r = await auth(provider, {
        serverUrl: target.url,
        authorizationCode: code,
        resourceMetadataUrl: ch.resourceMetadataUrl,
        scope,
      })
      if (r !== 'AUTHORIZED') throw new AppError('OAUTH_FAILED', 'The server did not issue a token.')
      finish()
      return { ok: true, message: `Keybridge is signed in to "${target.upstream}".` }
    } catch (e) {
      const err = e instanceof AppError ? e : new AppError('OAUTH_FAILED', 'The token exchange was refused.')
      finish(err)
      return { ok: false, message: err.message }
    }
  })

  let authorizeUrl: URL | undefined
  const provider = (ref.provider = new VaultOAuthProvider({
    upstream: target.upstream,
    storage: freshTokens(target.storage),
    mode: 'interactive',
    redirectUrl,
    clientMetadataUrl: target.clientMetadataUrl,
    onAuthorizationUrl: (u) => (authorizeUrl = u),
  }))
  try {
    const r = await auth(provider, {
      serverUrl: target.url,
      resourceMetadataUrl: ch.resourceMetadataUrl,
      scope,
    })
    if (r !== 'REDIRECT' || !authorizeUrl)
      throw new AppError('OAUTH_FAILED', 'The server did not start an authorization.')
  } catch (e) {
    finish(e)
    await done.catch(() => {})
    if (e instanceof AppError) throw e
    throw new AppError('OAUTH_FAILED', `Sign-in could not start: ${oauthReason(e)}.`)
  }
  return {
    authorizeUrl: authorizeUrl.href,
    expiresAt: Date.now() + timeoutMs,
    done,
    cancel: () => finish(new AppError('CANCELLED', 'The sign-in was cancelled.')),
  }
}

/** A storage view for a new sign-in: existing tokens are not refreshed, the authorization is new. */
function freshTokens(storage: GrantStorage): GrantStorage {
  let fresh = false
  return new Proxy(storage, {
    get(target, prop, receiver) {
      if (prop === 'tokens') return () => (fresh ? target.tokens() : undefined)
      if (prop === 'saveTokens')
        return (t: Parameters<GrantStorage['saveTokens']>[0]) => {
          fresh = true
          target.saveTokens(t)
        }
      const v = Reflect.get(target, prop, receiver) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

/** The SDK's OAuth errors carry the server's error code; nothing else (no token) is shown. */
export function oauthReason(e: unknown): string {
  const code = (e as { errorCode?: string })?.errorCode
  if (code) return code
  if (e instanceof TypeError) return 'the authorization server did not answer'
  return (e as Error)?.name ?? 'error'
}

import { randomBytes } from 'node:crypto'
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'
import { AppError } from '../../../../../shared/errors'
import { covers, type GrantStorage } from './grant-store'

/** The server needs an (interactive) sign-in before Keybridge can use it. Never carries a secret. */
export class SignInRequired extends AppError {
  constructor(
    readonly upstream: string,
    /** A 403 insufficient_scope asked for more: the connection itself still works. */
    readonly stepUp: boolean,
    readonly wantedScope?: string,
  ) {
    super(
      'OAUTH_FAILED',
      stepUp
        ? `The remote server "${upstream}" asks for a wider permission (${wantedScope ?? 'more scope'}): sign in again with "keybridge upstream login ${upstream}" or "Sign in" in the Bridge screen.`
        : `The remote server "${upstream}" needs sign-in: run "keybridge upstream login ${upstream}" or use "Sign in" in the Bridge screen.`,
    )
    this.name = 'SignInRequired'
  }
}

export interface ProviderOptions {
  upstream: string
  storage: GrantStorage
  /** background: the bridge's connection, never opens a browser; interactive: a sign-in in progress. */
  mode: 'background' | 'interactive'
  /** Interactive only: the loopback redirect URI the listener answers on. */
  redirectUrl?: string
  /** Interactive only: receives the authorization URL to open. */
  onAuthorizationUrl?: (url: URL) => void
  /** An https URL of Keybridge's Client ID Metadata Document, if the user hosts one. */
  clientMetadataUrl?: string
}

/** How long before its expiry an access token is refreshed (before a request, not after a 401). */
export const REFRESH_AHEAD_MS = 60_000

const PLACEHOLDER_REDIRECT = 'http://127.0.0.1/oauth/callback'

/**
 * The MCP SDK's OAuthClientProvider backed by the vault: the SDK's `auth()` does discovery (RFC 9728,
 * RFC 8414 / OIDC), registration (pre-registered, CIMD, DCR), PKCE S256, `resource` and refresh; this
 * class keeps what it learns sealed, checks PKCE support, and turns "go to the browser" into a
 * needs-sign-in status when the bridge runs unattended.
 */
export class VaultOAuthProvider implements OAuthClientProvider {
  private verifier: string | undefined
  private expectedState: string | undefined
  /** The scope a 403 insufficient_scope asked for, until a sign-in grants it. */
  private stepUpScope: string | undefined

  constructor(private readonly opts: ProviderOptions) {
    this.stepUpScope = opts.storage.summary().wantedScope ?? undefined
  }

  get redirectUrl(): string {
    if (this.opts.redirectUrl) return this.opts.redirectUrl
    const c = this.opts.storage.client() as { redirect_uris?: string[] } | undefined
    return c?.redirect_uris?.[0] ?? PLACEHOLDER_REDIRECT
  }

  get clientMetadataUrl(): string | undefined {
    return this.opts.clientMetadataUrl
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Keybridge',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A native app cannot keep a secret (RFC 8252 §8.4): a public client with PKCE.
      token_endpoint_auth_method: 'none',
    }
  }

  state(): string {
    this.expectedState = randomBytes(24).toString('base64url')
    return this.expectedState
  }

  /** The state the authorization request carried: the callback must return exactly this. */
  get pendingState(): string | undefined {
    return this.expectedState
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    const c = this.opts.storage.client()
    if (!c && this.opts.mode === 'background') {
      // Registering a client only makes sense when someone is there to sign in with it.
      this.opts.storage.needSignIn()
      throw new SignInRequired(this.opts.upstream, false)
    }
    return c
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    const previous = this.opts.storage.client()
    const registration =
      previous?.client_id === info.client_id && previous.registration
        ? previous.registration
        : this.opts.clientMetadataUrl && info.client_id === this.opts.clientMetadataUrl
          ? 'metadata-document'
          : 'dynamic'
    this.opts.storage.saveClient({ ...info, registration })
  }

  tokens(): OAuthTokens | undefined {
    const t = this.opts.storage.tokens()
    if (!t) return undefined
    // While a wider scope is wanted, a refresh cannot give it: hide the refresh token so auth()
    // goes to a new authorization instead of refreshing the narrow grant again.
    if (this.stepUpScope && !covers(t.scope ?? this.opts.storage.summary().scope, this.stepUpScope)) {
      const { refresh_token: _drop, ...rest } = t
      return rest
    }
    return t
  }

  /** Whether the stored access token expires within REFRESH_AHEAD_MS and a refresh token can renew it. */
  refreshDue(): boolean {
    const expiresAt = this.opts.storage.summary().expiresAt
    if (expiresAt === null) return false
    if (expiresAt - (this.opts.storage.now?.() ?? Date.now()) > REFRESH_AHEAD_MS) return false
    return Boolean(this.tokens()?.refresh_token)
  }

  saveTokens(tokens: OAuthTokens): void {
    this.opts.storage.saveTokens(tokens)
    if (this.stepUpScope && covers(tokens.scope ?? this.stepUpScope, this.stepUpScope))
      this.stepUpScope = undefined
  }

  /** Called by the transport's fetch when the server answers 403 insufficient_scope. */
  wantScope(scope: string | undefined): void {
    if (!scope) return
    this.stepUpScope = scope
    this.opts.storage.needSignIn(scope)
  }

  redirectToAuthorization(url: URL): void {
    if (this.opts.mode === 'interactive' && this.opts.onAuthorizationUrl) {
      this.opts.onAuthorizationUrl(url)
      return
    }
    const wanted = url.searchParams.get('scope') ?? undefined
    this.opts.storage.needSignIn(this.stepUpScope ? wanted : undefined)
    throw new SignInRequired(this.opts.upstream, this.stepUpScope !== undefined, this.stepUpScope)
  }

  saveCodeVerifier(v: string): void {
    // Only in memory: it is worthless once this sign-in ends.
    this.verifier = v
  }

  codeVerifier(): string {
    if (!this.verifier) throw new AppError('OAUTH_FAILED', 'No sign-in is in progress for this server.')
    return this.verifier
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    const s = this.opts.storage
    const preRegistered = s.client()?.registration === 'pre-registered'
    if ((scope === 'all' || scope === 'client') && !preRegistered) s.clearClient()
    if (scope === 'all' || scope === 'tokens') s.clearTokens()
    if (scope === 'all' || scope === 'discovery') s.saveDiscovery(undefined)
    if (scope === 'verifier') this.verifier = undefined
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    // The 2025-06-18+ authorization spec: no S256 in the metadata means no PKCE; refuse to go on.
    if (!state.authorizationServerMetadata && !state.resourceMetadata) {
      throw new AppError(
        'OAUTH_FAILED',
        `"${this.opts.upstream}" refused the request (HTTP 401) and offers no OAuth sign-in: check its headers.`,
      )
    }
    const methods = state.authorizationServerMetadata?.code_challenge_methods_supported
    if (!methods?.includes('S256')) {
      throw new AppError(
        'OAUTH_FAILED',
        `The authorization server of "${this.opts.upstream}" does not say it supports PKCE (S256); Keybridge does not sign in without it.`,
      )
    }
    this.opts.storage.saveDiscovery(state)
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.opts.storage.discovery()
  }
}

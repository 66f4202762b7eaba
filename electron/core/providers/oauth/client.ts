import * as oauth from 'oauth4webapi'
import { fetch as undiciFetch, Response, type Dispatcher } from 'undici'
import { AppError } from '../../../../shared/errors'
import { isLoopbackHost } from '../base-url'
import type { OAuthServer } from './endpoints'

/** Tokens as Keybridge keeps them (sealed in the credential's secrets). */
export interface TokenSet {
  accessToken: string
  /** Absent when the server did not issue (or rotate) one. */
  refreshToken: string | null
  /** Epoch ms, or null when the token does not expire. */
  expiresAt: number | null
  scope: string | null
}

/** An OAuth error the user can act on; `code` is the RFC 6749 error code when the server gave one. */
export class OAuthError extends AppError {
  constructor(
    readonly oauthCode: string | null,
    message: string,
  ) {
    super('OAUTH_FAILED', message)
  }
}

const MAX_TOKEN_RESPONSE = 64 * 1024

export interface OAuthClientOptions {
  dispatcher: Dispatcher
  now: () => number
  timeoutMs?: number
}

/**
 * The OAuth 2 client (oauth4webapi does the protocol: PKCE, state, token response checks).
 * This wrapper adds transport (our undici Agent, a deadline, a size cap), lets plain http through
 * only for loopback servers (tests), adapts GitHub's HTTP-200 errors and maps failures to
 * readable errors that never carry token values.
 */
export class OAuthClient {
  constructor(private readonly o: OAuthClientOptions) {}

  as(server: OAuthServer): oauth.AuthorizationServer {
    return {
      issuer: server.issuer,
      authorization_endpoint: server.authorizationUrl,
      token_endpoint: server.tokenUrl,
      device_authorization_endpoint: server.deviceUrl ?? undefined,
      revocation_endpoint: server.revokeUrl ?? undefined,
      code_challenge_methods_supported: ['S256'],
    }
  }

  auth(clientSecret: string | undefined): oauth.ClientAuth {
    return clientSecret ? oauth.ClientSecretPost(clientSecret) : oauth.None()
  }

  options(server: OAuthServer): oauth.TokenEndpointRequestOptions & oauth.DeviceAuthorizationRequestOptions {
    const insecure = [server.tokenUrl, server.deviceUrl].some((u) => u && new URL(u).protocol === 'http:')
    if (
      insecure &&
      ![server.tokenUrl, server.deviceUrl].every((u) => !u || isLoopbackHost(new URL(u).hostname))
    ) {
      throw new AppError('INVALID_INPUT', 'OAuth endpoints must use https:// (plain http only on 127.0.0.1).')
    }
    return {
      [oauth.allowInsecureRequests]: insecure,
      signal: () => AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      [oauth.customFetch]: async (url: string, init: oauth.CustomFetchOptions<'POST' | 'GET', unknown>) => {
        const res = await undiciFetch(url, { ...(init as object), dispatcher: this.o.dispatcher } as never)
        const text = await res.text()
        if (text.length > MAX_TOKEN_RESPONSE)
          throw new OAuthError(null, 'The OAuth server sent an oversized answer.')
        let status = res.status
        // GitHub reports OAuth errors (authorization_pending, bad_verification_code, ...) with HTTP 200.
        if (status === 200 && /"error"\s*:/.test(text) && !/"access_token"\s*:/.test(text)) status = 400
        return new Response(status === 204 ? null : text, { status, headers: res.headers })
      },
    } as oauth.TokenEndpointRequestOptions & oauth.DeviceAuthorizationRequestOptions
  }

  tokens(r: oauth.TokenEndpointResponse): TokenSet {
    return {
      accessToken: r.access_token,
      refreshToken: r.refresh_token ?? null,
      expiresAt: typeof r.expires_in === 'number' ? this.o.now() + r.expires_in * 1000 : null,
      scope: r.scope ?? null,
    }
  }

  async exchangeCode(
    server: OAuthServer,
    clientId: string,
    clientSecret: string | undefined,
    callback: URLSearchParams,
    redirectUri: string,
    verifier: string,
  ): Promise<TokenSet> {
    return this.guard(async () => {
      const as = this.as(server)
      const client = { client_id: clientId }
      const res = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        this.auth(clientSecret),
        callback,
        redirectUri,
        verifier,
        this.options(server),
      )
      return this.tokens(await oauth.processAuthorizationCodeResponse(as, client, res))
    })
  }

  async refresh(
    server: OAuthServer,
    clientId: string,
    clientSecret: string | undefined,
    refreshToken: string,
  ): Promise<TokenSet> {
    return this.guard(async () => {
      const as = this.as(server)
      const client = { client_id: clientId }
      const res = await oauth.refreshTokenGrantRequest(
        as,
        client,
        this.auth(clientSecret),
        refreshToken,
        this.options(server),
      )
      return this.tokens(await oauth.processRefreshTokenResponse(as, client, res))
    })
  }

  async deviceAuthorization(
    server: OAuthServer,
    clientId: string,
    scopes: string[],
  ): Promise<oauth.DeviceAuthorizationResponse> {
    return this.guard(async () => {
      const as = this.as(server)
      const client = { client_id: clientId }
      const res = await oauth.deviceAuthorizationRequest(
        as,
        client,
        oauth.None(),
        { scope: scopes.join(' ') },
        this.options(server),
      )
      return oauth.processDeviceAuthorizationResponse(as, client, res)
    })
  }

  async deviceToken(server: OAuthServer, clientId: string, deviceCode: string): Promise<TokenSet> {
    return this.guard(async () => {
      const as = this.as(server)
      const client = { client_id: clientId }
      const res = await oauth.deviceCodeGrantRequest(
        as,
        client,
        oauth.None(),
        deviceCode,
        this.options(server),
      )
      return this.tokens(await oauth.processDeviceCodeResponse(as, client, res))
    })
  }

  /** Maps library and transport errors to OAuthError with the RFC error code only (never a body). */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof AppError) throw e
      if (e instanceof oauth.ResponseBodyError) {
        const code = /^[a-z_]{1,48}$/.test(e.error) ? e.error : 'error'
        throw new OAuthError(code, `The OAuth server refused the request (${code}).`)
      }
      if (e instanceof oauth.AuthorizationResponseError) {
        const code = /^[a-z_]{1,48}$/.test(e.error) ? e.error : 'error'
        throw new OAuthError(code, `The authorization was not granted (${code}).`)
      }
      const name = (e as Error)?.name
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new OAuthError(null, 'The OAuth server did not answer in time.')
      if (e instanceof oauth.OperationProcessingError)
        throw new OAuthError(null, 'The OAuth server sent an answer Keybridge cannot use.')
      throw new OAuthError(null, 'The OAuth server could not be reached.')
    }
  }
}

export const randomState = oauth.generateRandomState
export const randomVerifier = oauth.generateRandomCodeVerifier
export const challengeFor = oauth.calculatePKCECodeChallenge
export const validateCallback = oauth.validateAuthResponse
export type { AuthorizationServer } from 'oauth4webapi'

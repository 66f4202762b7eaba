// An OAuth-protected remote MCP server for tests, built from the MCP SDK's server auth pieces:
// mcpAuthRouter (authorization server metadata, DCR, authorize, token + refresh, PRM),
// requireBearerAuth (401 + WWW-Authenticate with resource_metadata and scope) and a Streamable HTTP
// MCP endpoint. The authorize endpoint approves at once and redirects. Every token it issues starts
// with CANARY so a test can grep for it anywhere it must not be.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server as HttpServer } from 'node:http'
import express, { type Request, type Response, type NextFunction } from 'express'
import {
  mcpAuthRouter,
  getOAuthProtectedResourceMetadataUrl,
  createOAuthMetadata,
} from '@modelcontextprotocol/sdk/server/auth/router.js'
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js'
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js'
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from '@modelcontextprotocol/sdk/server/auth/provider.js'
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import { SessionHost } from './http-mcp'

export interface OAuthMcpOptions {
  /** Access token lifetime (seconds). */
  accessTtlSeconds?: number
  /** Metadata without code_challenge_methods_supported (a server Keybridge must refuse). */
  noS256?: boolean
}

interface Grant {
  n: number
  clientId: string
  scopes: string[]
  expiresAt: number
  resource?: string
}

export interface OAuthMcpFake {
  /** The MCP endpoint (…/mcp). */
  url: string
  origin: string
  /** Every access and refresh token issued (all start with CANARY). */
  issued: string[]
  /** How many requests to /mcp were answered 401 (no valid access token). */
  unauthorized: number
  /** The bearer tokens presented at /mcp, in order. */
  presented: string[]
  /** Every header value seen at /mcp (to prove the kb_ client token never arrives). */
  headerValues: string[]
  registrations: number
  authorizeParams: URLSearchParams[]
  tokenRequests: URLSearchParams[]
  /** Refuse every refresh with invalid_grant. */
  refuseRefresh: boolean
  sessions: SessionHost
  /** Forget all issued access tokens (their next use answers 401 invalid_token). */
  expireAll(): void
  /** A client registered out of band (the user's own app registration). */
  addClient(id: string, secret: string): void
  close(): Promise<void>
}

const SCOPES = ['mcp', 'admin']

export async function startOAuthMcpServer(opts: OAuthMcpOptions = {}): Promise<OAuthMcpFake> {
  const app = express()
  app.disable('x-powered-by')
  const http: HttpServer = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const mcpUrl = new URL('/mcp', origin)
  const ttl = opts.accessTtlSeconds ?? 3600

  const clients = new Map<string, OAuthClientInformationFull>()
  const codes = new Map<string, { clientId: string; params: AuthorizationParams }>()
  const access = new Map<string, Grant>()
  const refresh = new Map<string, Grant>()
  let grants = 0

  const fake: OAuthMcpFake = {
    url: mcpUrl.href,
    origin,
    issued: [],
    unauthorized: 0,
    presented: [],
    headerValues: [],
    registrations: 0,
    authorizeParams: [],
    tokenRequests: [],
    refuseRefresh: false,
    sessions: new SessionHost('oauth-fake'),
    expireAll: () => access.clear(),
    addClient: (id, secret) =>
      void clients.set(id, {
        client_id: id,
        client_secret: secret,
        redirect_uris: ['http://127.0.0.1/oauth/callback'],
        token_endpoint_auth_method: 'client_secret_post',
      }),
    close: async () => {
      fake.sessions.closeAll()
      http.closeAllConnections()
      await new Promise<void>((r) => http.close(() => r()))
    },
  }

  const issue = (g: Omit<Grant, 'n' | 'expiresAt'>, n = ++grants): OAuthTokens => {
    const at = `CANARY_AT_${n}_${randomBytes(12).toString('hex')}`
    const rt = `CANARY_RT_${n}_${randomBytes(12).toString('hex')}`
    const grant = { ...g, n, expiresAt: Math.floor(Date.now() / 1000) + ttl }
    access.set(at, grant)
    refresh.set(rt, grant)
    fake.issued.push(at, rt)
    return {
      access_token: at,
      token_type: 'Bearer',
      expires_in: ttl,
      refresh_token: rt,
      scope: g.scopes.join(' '),
    }
  }

  const clientsStore: OAuthRegisteredClientsStore = {
    getClient: (id) => clients.get(id),
    registerClient: (c) => {
      fake.registrations++
      const full = {
        ...c,
        client_id: `client_${randomBytes(6).toString('hex')}`,
        client_id_issued_at: Math.floor(Date.now() / 1000),
      }
      clients.set(full.client_id, full)
      return full
    },
  }

  const provider: OAuthServerProvider = {
    get clientsStore() {
      return clientsStore
    },
    async authorize(client, params, res) {
      const code = randomBytes(16).toString('hex')
      codes.set(code, { clientId: client.client_id, params })
      const to = new URL(params.redirectUri)
      to.searchParams.set('code', code)
      if (params.state) to.searchParams.set('state', params.state)
      res.redirect(302, to.href)
    },
    async challengeForAuthorizationCode(_client, code) {
      const c = codes.get(code)
      if (!c) throw new InvalidGrantError('unknown code')
      return c.params.codeChallenge
    },
    async exchangeAuthorizationCode(client, code, _verifier, redirectUri, resource) {
      const c = codes.get(code)
      if (!c || c.clientId !== client.client_id) throw new InvalidGrantError('unknown code')
      if (redirectUri && redirectUri !== c.params.redirectUri)
        throw new InvalidGrantError('redirect_uri differs')
      codes.delete(code)
      return issue({ clientId: client.client_id, scopes: c.params.scopes ?? [], resource: resource?.href })
    },
    async exchangeRefreshToken(client, rt) {
      const g = refresh.get(rt)
      if (fake.refuseRefresh || !g || g.clientId !== client.client_id)
        throw new InvalidGrantError('refresh refused')
      refresh.delete(rt)
      return issue({ clientId: g.clientId, scopes: g.scopes, resource: g.resource }, g.n)
    },
    async verifyAccessToken(token): Promise<AuthInfo> {
      const g = access.get(token)
      if (!g) throw new InvalidTokenError('unknown or expired token')
      return {
        token,
        clientId: g.clientId,
        scopes: g.scopes,
        expiresAt: g.expiresAt,
        resource: g.resource ? new URL(g.resource) : undefined,
        extra: { grant: g.n },
      }
    },
  }

  // Record what the authorization server receives (the SDK handlers parse it again).
  app.use('/authorize', (req, _res, next) => {
    fake.authorizeParams.push(new URLSearchParams(req.url.split('?')[1] ?? ''))
    next()
  })
  app.use('/token', express.urlencoded({ extended: false }), (req, _res, next) => {
    fake.tokenRequests.push(new URLSearchParams(req.body as Record<string, string>))
    next()
  })
  if (opts.noS256) {
    const meta = createOAuthMetadata({ provider, issuerUrl: new URL(origin), scopesSupported: SCOPES })
    const { code_challenge_methods_supported: _drop, ...withoutPkce } = meta
    app.get('/.well-known/oauth-authorization-server', (_req, res) => void res.json(withoutPkce))
  }
  app.use(
    mcpAuthRouter({
      provider,
      issuerUrl: new URL(origin),
      resourceServerUrl: mcpUrl,
      scopesSupported: SCOPES,
    }),
  )

  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(mcpUrl)
  const bearer = requireBearerAuth({
    verifier: provider,
    requiredScopes: ['mcp'],
    resourceMetadataUrl,
    expectedResource: mcpUrl,
  })
  app.all(
    '/mcp',
    (req: Request, res: Response, next: NextFunction) => {
      res.on('finish', () => {
        if (res.statusCode === 401) fake.unauthorized++
      })
      for (const v of Object.values(req.headers)) fake.headerValues.push(String(v))
      const h = req.header('authorization')
      if (h?.startsWith('Bearer ')) fake.presented.push(h.slice(7))
      next()
    },
    bearer,
    express.json(),
    (req: Request, res: Response, next: NextFunction) => {
      // A tool that needs more than the grant has: 403 insufficient_scope (the spec's step-up signal).
      const body = req.body as { method?: string; params?: { name?: string } } | undefined
      if (
        body?.method === 'tools/call' &&
        body.params?.name === 'admin_op' &&
        !req.auth?.scopes.includes('admin')
      ) {
        res
          .status(403)
          .set(
            'WWW-Authenticate',
            `Bearer error="insufficient_scope", scope="mcp admin", resource_metadata="${resourceMetadataUrl}"`,
          )
          .json({ error: 'insufficient_scope' })
        return
      }
      next()
    },
    (req: Request, res: Response) => {
      void fake.sessions.handle(req, res, {
        authorization: req.header('authorization'),
        grant: req.auth?.extra?.['grant'] as number | undefined,
        scopes: req.auth?.scopes,
      })
    },
  )
  return fake
}

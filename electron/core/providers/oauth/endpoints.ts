import { AppError } from '../../../../shared/errors'
import { normalizeBaseUrl, resolveBaseUrl, type Env } from '../base-url'
import { requireService } from '../validator'

/** Where one provider's OAuth server lives and what a connection asks for by default. */
export interface OAuthServer {
  service: string
  issuer: string
  authorizationUrl: string
  tokenUrl: string
  deviceUrl: string | null
  revokeUrl: string | null
  defaultScopes: string[]
  /** Extra authorize parameters (Google needs offline access + consent for a refresh token). */
  authorizeParams: Record<string, string>
}

export type OAuthService = 'google' | 'github' | 'gitlab'
export const OAUTH_SERVICES: readonly OAuthService[] = ['google', 'github', 'gitlab']

const DEFAULTS: Record<OAuthService, (base: string) => Omit<OAuthServer, 'service'>> = {
  google: () => ({
    issuer: 'https://accounts.google.com',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    deviceUrl: null,
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    defaultScopes: [
      'openid',
      'email',
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/calendar.readonly',
    ],
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
  }),
  github: () => ({
    issuer: 'https://github.com',
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    deviceUrl: 'https://github.com/login/device/code',
    revokeUrl: null,
    defaultScopes: ['read:user', 'repo'],
    authorizeParams: {},
  }),
  // Self-managed GitLab serves OAuth on the instance itself.
  gitlab: (base) => ({
    issuer: base,
    authorizationUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}/oauth/token`,
    deviceUrl: null,
    revokeUrl: `${base}/oauth/revoke`,
    defaultScopes: ['read_user', 'read_api'],
    authorizeParams: {},
  }),
}

export function isOAuthService(s: string): s is OAuthService {
  return (OAUTH_SERVICES as readonly string[]).includes(s)
}

/**
 * The OAuth endpoints for a service. Each can be overridden from the environment:
 * `KEYBRIDGE_<SERVICE>_AUTH_URL`, `_TOKEN_URL`, `_DEVICE_URL`, `_REVOKE_URL`, `_ISSUER`. When the
 * authorize or token URL is overridden and the issuer is not, the issuer is the token URL's origin.
 */
export function oauthServer(service: string, fields: Record<string, string>, env: Env): OAuthServer {
  if (!isOAuthService(service)) throw new AppError('INVALID_INPUT', `${service} does not connect with OAuth.`)
  const { descriptor, provider } = requireService(service)
  const base = service === 'gitlab' ? resolveBaseUrl(descriptor, provider, fields, env) : ''
  const d = DEFAULTS[service](base)
  const P = `KEYBRIDGE_${service.toUpperCase()}_`
  const url = (name: string, fallback: string | null) => {
    const v = env[P + name]
    return v ? normalizeBaseUrl(v, P + name, true) : fallback
  }
  const authorizationUrl = url('AUTH_URL', d.authorizationUrl)!
  const tokenUrl = url('TOKEN_URL', d.tokenUrl)!
  const moved = Boolean(env[P + 'AUTH_URL'] || env[P + 'TOKEN_URL'])
  return {
    service,
    issuer: env[P + 'ISSUER'] || (moved ? new URL(tokenUrl).origin : d.issuer),
    authorizationUrl,
    tokenUrl,
    deviceUrl: url('DEVICE_URL', d.deviceUrl),
    revokeUrl: url('REVOKE_URL', d.revokeUrl),
    defaultScopes: d.defaultScopes,
    authorizeParams: d.authorizeParams,
  }
}

import { AppError } from '../../../shared/errors'
import { getServiceDescriptor } from './catalog'
import { resolveBaseUrl, type Env } from './base-url'
import { getProvider } from './registry'
import type { CredentialInput } from './types'

export interface ApiRequestSpec {
  method?: string
  /** Relative to the provider's base URL: must start with '/', no '..' segment, no scheme or host. */
  path: string
  query?: Record<string, string | number | boolean | undefined>
  /** A string is sent as is; anything else as JSON. */
  body?: unknown
  /** Extra headers; authentication, cookies and hop-by-hop headers are dropped. */
  headers?: Record<string, string>
}

export interface AuthenticatedRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: string | undefined
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
const DROPPED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'keep-alive',
  'private-token',
  'x-api-key',
])

/** True when `path` could leave the base: a scheme, a host, a backslash, a `..` segment (even encoded). */
function escapes(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//')) return true
  if (/[\\\0\r\n]/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path.slice(1))) return true
  let decoded = path
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded)
      if (next === decoded) break
      decoded = next
    } catch {
      return true
    }
  }
  return decoded.split(/[/\\]/).some((seg) => seg === '..' || seg === '.') || decoded.includes('\\')
}

/**
 * Builds a request to a stored credential's provider with the secret injected — the bridge's
 * api_request tool uses this so a model can call an API without ever seeing the key.
 *
 * Refuses (INVALID_INPUT) anything that would leave the provider's resolved base URL: a path that
 * is absolute, protocol-relative, has a `..` segment (also percent-encoded), or a different host,
 * scheme or port after resolution. The base honours `KEYBRIDGE_<SERVICE>_BASE_URL` from `env`.
 * Errors never contain the secret.
 */
export function buildAuthenticatedRequest(
  service: string,
  fields: Record<string, string>,
  secrets: Record<string, string>,
  spec: ApiRequestSpec,
  env: Env = {},
): AuthenticatedRequest {
  const descriptor = getServiceDescriptor(service)
  const provider = getProvider(service)
  if (!descriptor || !provider)
    throw new AppError('NOT_FOUND', `Keybridge does not know the service "${service}".`)
  const method = (spec.method ?? 'GET').toUpperCase()
  if (!METHODS.has(method)) throw new AppError('INVALID_INPUT', `The HTTP method ${method} is not allowed.`)
  if (typeof spec.path !== 'string' || escapes(spec.path)) {
    throw new AppError(
      'INVALID_INPUT',
      `The path must be relative to the ${descriptor.name} API (start with "/", no host, no "..").`,
    )
  }
  const base = new URL(resolveBaseUrl(descriptor, provider, fields, env))
  const url = new URL(base.href.replace(/\/$/, '') + spec.path)
  const basePath = base.pathname.replace(/\/$/, '')
  if (
    url.origin !== base.origin ||
    (basePath && url.pathname !== basePath && !url.pathname.startsWith(basePath + '/'))
  ) {
    throw new AppError(
      'INVALID_INPUT',
      `That request would leave the ${descriptor.name} API, so it was refused.`,
    )
  }
  for (const [k, v] of Object.entries(spec.query ?? {}))
    if (v !== undefined) url.searchParams.append(k, String(v))

  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(spec.headers ?? {})) {
    const key = k.toLowerCase()
    if (DROPPED_HEADERS.has(key) || /[\r\n]/.test(v) || /[\r\n:]/.test(k)) continue
    headers[key] = v
  }
  const credential: CredentialInput = { fields, secrets }
  Object.assign(headers, provider.authenticate(credential))
  let body: string | undefined
  if (spec.body !== undefined && spec.body !== null && method !== 'GET' && method !== 'HEAD') {
    body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
    if (typeof spec.body !== 'string' && !headers['content-type'])
      headers['content-type'] = 'application/json'
  }
  return { url: url.href, method, headers, body }
}

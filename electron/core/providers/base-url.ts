import { AppError } from '../../../shared/errors'
import type { ServiceDescriptor } from '../../../shared/models/service'
import type { Provider } from './types'

export type Env = Record<string, string | undefined>

/** `KEYBRIDGE_<SERVICE>_BASE_URL`: the service id upper-cased (non-alphanumerics become `_`). */
export function baseUrlEnvName(serviceId: string): string {
  return `KEYBRIDGE_${serviceId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BASE_URL`
}

/** Environment variables that move where credentials are sent: API bases and OAuth endpoints. */
const ENDPOINT_OVERRIDE = /^KEYBRIDGE_[A-Z0-9_]+_(BASE_URL|AUTH_URL|TOKEN_URL|DEVICE_URL|REVOKE_URL|ISSUER)$/

/**
 * Endpoint overrides from the environment are for development builds, tests and the headless command;
 * the packaged desktop app ignores them, since whatever can set the user's environment (a shell profile,
 * a launcher) could otherwise send secrets anywhere. The desktop app without the flag counts as packaged.
 */
export function endpointOverridesAllowed(o: { runtime: string; packaged?: boolean }): boolean {
  return o.runtime !== 'electron' || o.packaged === false
}

/** The environment the core uses: without endpoint overrides unless they are allowed. */
export function coreEnv(env: Env, allowOverrides: boolean): Env {
  if (allowOverrides) return env
  return Object.fromEntries(Object.entries(env).filter(([k]) => !ENDPOINT_OVERRIDE.test(k)))
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname)
}

/**
 * A base URL as Keybridge uses it: http(s), no credentials, no query or fragment, no trailing
 * slash. Plain http only where allowed (LAN services, loopback, an explicit override).
 */
export function normalizeBaseUrl(raw: string, label: string, allowHttp: boolean): string {
  let u: URL
  try {
    u = new URL(raw.trim())
  } catch {
    throw new AppError('INVALID_INPUT', `The ${label} is not a valid URL (expected https://…).`)
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new AppError('INVALID_INPUT', `The ${label} must start with https://.`)
  }
  if (u.protocol === 'http:' && !allowHttp && !isLoopbackHost(u.hostname)) {
    throw new AppError('INVALID_INPUT', `The ${label} must use https:// (credentials are sent to it).`)
  }
  if (u.username || u.password) {
    throw new AppError('INVALID_INPUT', `The ${label} must not contain a user name or password.`)
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`
}

/**
 * Where a credential's requests go: the env override wins (tests, proxies), then the user's own
 * URL (Atlassian site, self-hosted instance), then the catalog default.
 */
export function resolveBaseUrl(
  descriptor: ServiceDescriptor,
  provider: Provider,
  fields: Record<string, string>,
  env: Env,
): string {
  const override = env[baseUrlEnvName(descriptor.id)]
  if (override) return normalizeBaseUrl(override, baseUrlEnvName(descriptor.id), true)
  const own = provider.baseField ? fields[provider.baseField] : undefined
  if (own) {
    const label = descriptor.fields.find((f) => f.key === provider.baseField)?.label ?? 'URL'
    return normalizeBaseUrl(own, label, provider.allowHttp ?? false)
  }
  if (descriptor.baseUrl) return normalizeBaseUrl(descriptor.baseUrl, 'base URL', false)
  const label = descriptor.fields.find((f) => f.key === provider.baseField)?.label ?? 'URL'
  throw new AppError('INVALID_INPUT', `Enter the ${label} for ${descriptor.name}.`)
}

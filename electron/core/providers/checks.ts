import { AppError } from '../../../shared/errors'
import { parseRetryAfter, type HttpResponse } from './http'
import type { Check, CredentialInput } from './types'

// Shared building blocks for providers' validate(): readable outcomes from common HTTP shapes.
// Provider-written text (error descriptions) is never copied into messages: some echo part of
// the key. Only short machine codes are.

export function valid(
  name: string,
  account: string | null | undefined,
  metadata: Record<string, string | number | null | undefined> = {},
  extra: Partial<Check> = {},
): Check {
  const meta: Record<string, string> = {}
  for (const [k, v] of Object.entries(metadata))
    if (v !== null && v !== undefined && v !== '') meta[k] = String(v)
  return {
    outcome: 'valid',
    reason: null,
    message: `${name} accepted the credential${account ? ` (${account})` : ''}.`,
    account: account || null,
    metadata: meta,
    ...extra,
  }
}

export function rejected(name: string, detail?: string): Check {
  return {
    outcome: 'invalid',
    reason: 'bad_credentials',
    message: `${name} rejected the credential${detail ? ` (${detail})` : ''}. Check it and try again.`,
    account: null,
    metadata: {},
  }
}

export function forbidden(name: string, detail?: string): Check {
  return {
    outcome: 'invalid',
    reason: 'forbidden',
    message: `${name} recognised the credential but refused access${detail ? ` (${detail})` : ''}: check its scopes or permissions.`,
    account: null,
    metadata: {},
  }
}

export function rateLimited(name: string, retryAfterSeconds: number | null): Check {
  return {
    outcome: 'unreachable',
    reason: 'rate_limited',
    message: `${name} is rate-limiting requests${retryAfterSeconds !== null ? `; try again in ${retryAfterSeconds} s` : '; try again later'}.`,
    account: null,
    metadata: {},
    retryAfterSeconds,
  }
}

export function unexpected(name: string, what: string): Check {
  return {
    outcome: 'unreachable',
    reason: 'unexpected_response',
    message: `${name} gave an unexpected answer (${what}); the credential could not be checked.`,
    account: null,
    metadata: {},
  }
}

export function notValidated(message: string): Check {
  return { outcome: 'unreachable', reason: 'not_validated', message, account: null, metadata: {} }
}

/** A short machine code from a provider body (e.g. `invalid_auth`), safe to show; else undefined. */
export function code(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9_.-]{1,48}$/.test(v) ? v : undefined
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined
}

/** The common mapping of a non-2xx answer: 401, 403, 429 (Retry-After), 5xx, anything else. */
export function fromStatus(name: string, res: HttpResponse, detail?: string): Check {
  if (res.status === 401) return rejected(name, detail ?? '401')
  if (res.status === 403) return forbidden(name, detail ?? '403')
  if (res.status === 429) return rateLimited(name, parseRetryAfter(res.headers['retry-after']))
  if (res.status >= 500) {
    return {
      ...unexpected(name, `HTTP ${res.status}`),
      message: `${name} has a server problem (HTTP ${res.status}); try again later.`,
    }
  }
  return unexpected(name, `HTTP ${res.status}${detail ? `, ${detail}` : ''}`)
}

/** A required secret, or a readable INVALID_INPUT naming the field. */
export function need(c: CredentialInput, key: string, label: string): string {
  const v = c.secrets[key] ?? c.fields[key]
  if (!v) throw new AppError('INVALID_INPUT', `The ${label} is missing.`)
  return v
}

/** OAuth access token when connected with OAuth, else the pasted token. */
export function tokenOf(c: CredentialInput, key = 'token', label = 'token'): string {
  return c.secrets['accessToken'] || need(c, key, label)
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

import { parseRetryAfter } from '../http'
import { bearer, fromStatus, need, obj, rateLimited, rejected, str, valid } from '../checks'
import type { Provider } from '../types'

/**
 * Sentry: GET /api/0/ says who the token belongs to. User tokens carry a user; organization
 * tokens have none, so the organization list names the account instead.
 */
export const sentry: Provider = {
  id: 'sentry',
  baseField: 'url',
  authenticate: (c) => bearer(need(c, 'token', 'auth token')),
  async validate({ name, send }) {
    const res = await send({ path: '/api/0/' })
    if (res.status === 429) {
      const reset = Number(res.headers['x-sentry-rate-limit-reset'])
      return rateLimited(
        name,
        parseRetryAfter(res.headers['retry-after']) ??
          (Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : null),
      )
    }
    if (res.status !== 200) return fromStatus(name, res)
    const root = obj(res.json())
    const user = obj(root?.['user'])
    const auth = obj(root?.['auth'])
    const scopes = Array.isArray(auth?.['scopes'])
      ? (auth['scopes'] as unknown[]).filter((s) => typeof s === 'string').join(' ')
      : undefined
    if (user)
      return valid(name, str(user['email']) ?? str(user['username']) ?? null, {
        userId: str(user['id']),
        scopes,
      })
    if (!auth) return rejected(name, 'not authenticated')
    const orgs = await send({ path: '/api/0/organizations/' })
    if (orgs.status !== 200) return fromStatus(name, orgs)
    const slugs = (Array.isArray(orgs.json()) ? (orgs.json() as unknown[]) : [])
      .map((o) => str(obj(o)?.['slug']))
      .filter(Boolean)
    return valid(name, slugs[0] ?? null, { organizations: slugs.join(' '), scopes })
  },
}

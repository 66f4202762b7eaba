import { parseRetryAfter } from '../http'
import { bearer, fromStatus, obj, rateLimited, str, tokenOf, valid, unexpected } from '../checks'
import type { Provider } from '../types'

/** GitHub REST: GET /user with the versioned media type; scopes and PAT expiry come as headers. */
export const github: Provider = {
  id: 'github',
  authenticate: (c) => ({
    ...bearer(tokenOf(c, 'token', 'personal access token')),
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  }),
  async validate({ name, send }) {
    const res = await send({ path: '/user' })
    const h = res.headers
    // Primary and secondary limits come as 403 or 429 with x-ratelimit-remaining: 0.
    if (
      (res.status === 403 || res.status === 429) &&
      (h['x-ratelimit-remaining'] === '0' || h['retry-after'])
    ) {
      const reset = Number(h['x-ratelimit-reset'])
      const retry =
        parseRetryAfter(h['retry-after']) ??
        (Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : null)
      return rateLimited(name, retry)
    }
    if (res.status !== 200) return fromStatus(name, res)
    const user = obj(res.json())
    const login = str(user?.['login'])
    if (!login) return unexpected(name, 'no login in the answer')
    // "2026-03-01 12:00:00 UTC" on fine-grained and expiring classic tokens.
    const exp = h['github-authentication-token-expiration']
    const expiresAt = exp ? Date.parse(exp.replace(' UTC', 'Z').replace(' ', 'T')) : NaN
    return valid(
      name,
      login,
      {
        id: str(user?.['id']),
        scopes: h['x-oauth-scopes'],
        tokenExpiresAt: Number.isNaN(expiresAt) ? null : new Date(expiresAt).toISOString(),
      },
      { expiresAt: Number.isNaN(expiresAt) ? null : expiresAt },
    )
  },
}

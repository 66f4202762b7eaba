import {
  bearer,
  code,
  forbidden,
  fromStatus,
  need,
  obj,
  rateLimited,
  rejected,
  str,
  unexpected,
  valid,
} from '../checks'
import type { Provider } from '../types'

const BAD_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
])

/** Slack Web API: auth.test. Errors arrive as HTTP 200 with `ok: false`. */
export const slack: Provider = {
  id: 'slack',
  authenticate: (c) => bearer(need(c, 'token', 'token')),
  async validate({ name, send }) {
    const res = await send({
      method: 'POST',
      path: '/api/auth.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })
    if (res.status !== 200) return fromStatus(name, res)
    const body = obj(res.json())
    if (body?.['ok'] === true) {
      const user = str(body['user'])
      const team = str(body['team'])
      return valid(name, user && team ? `${user} (${team})` : (user ?? team ?? null), {
        team,
        teamId: str(body['team_id']),
        userId: str(body['user_id']),
        url: str(body['url']),
      })
    }
    const err = code(body?.['error'])
    if (err && BAD_TOKEN.has(err)) return rejected(name, err)
    if (err === 'ratelimited') return rateLimited(name, null)
    if (err === 'missing_scope' || err === 'no_permission') return forbidden(name, err)
    return unexpected(name, err ?? 'no ok field')
  },
}

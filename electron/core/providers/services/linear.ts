import {
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

/** Linear GraphQL: personal keys go in Authorization as is (no "Bearer"); OAuth tokens use Bearer. */
export const linear: Provider = {
  id: 'linear',
  authenticate: (c) => ({
    authorization: c.secrets['accessToken']
      ? `Bearer ${c.secrets['accessToken']}`
      : need(c, 'apiKey', 'API key'),
  }),
  async validate({ name, send }) {
    const res = await send({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { id name email } }' }),
    })
    const body = obj(res.json())
    const errors = Array.isArray(body?.['errors']) ? (body['errors'] as unknown[]) : []
    if (errors.length) {
      const ext = obj(obj(errors[0])?.['extensions'])
      const c = code(ext?.['code'])
      if (c === 'RATELIMITED') {
        // X-RateLimit-Requests-Reset is epoch milliseconds.
        const reset = Number(res.headers['x-ratelimit-requests-reset'])
        return rateLimited(
          name,
          Number.isFinite(reset) ? Math.max(0, Math.ceil((reset - Date.now()) / 1000)) : null,
        )
      }
      if (c === 'AUTHENTICATION_ERROR' || res.status === 401) return rejected(name, c)
      if (c === 'FORBIDDEN' || res.status === 403) return forbidden(name, c)
      return unexpected(name, c ?? `HTTP ${res.status}`)
    }
    if (res.status !== 200) return fromStatus(name, res)
    const viewer = obj(obj(body?.['data'])?.['viewer'])
    const id = str(viewer?.['id'])
    if (!id) return unexpected(name, 'no viewer in the answer')
    return valid(name, str(viewer?.['email']) ?? str(viewer?.['name']) ?? id, {
      id,
      displayName: str(viewer?.['name']),
    })
  },
}

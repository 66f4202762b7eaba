import { bearer, fromStatus, need, obj, str, unexpected, valid } from '../checks'
import type { Provider } from '../types'

/** Home Assistant REST: GET /api/ (trailing slash) needs the token; /api/config names the home. */
export const homeassistant: Provider = {
  id: 'homeassistant',
  baseField: 'url',
  allowHttp: true,
  authenticate: (c) => bearer(need(c, 'token', 'long-lived access token')),
  async validate({ name, send }) {
    const res = await send({ path: '/api/' })
    if (res.status !== 200) return fromStatus(name, res)
    if (obj(res.json())?.['message'] !== 'API running.') return unexpected(name, 'not a Home Assistant API')
    const cfg = await send({ path: '/api/config' })
    const c = cfg.status === 200 ? obj(cfg.json()) : undefined
    return valid(name, str(c?.['location_name']) ?? null, { version: str(c?.['version']) })
  },
}

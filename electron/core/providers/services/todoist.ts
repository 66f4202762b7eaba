import { bearer, fromStatus, need, obj, str, unexpected, valid } from '../checks'
import type { Provider } from '../types'

/** Todoist API v1 (REST v2 is retired and answers 410). */
export const todoist: Provider = {
  id: 'todoist',
  authenticate: (c) => bearer(need(c, 'token', 'API token')),
  async validate({ name, send }) {
    const res = await send({ path: '/api/v1/user' })
    if (res.status === 410) return unexpected(name, 'this API version is retired')
    if (res.status !== 200) return fromStatus(name, res)
    const user = obj(res.json())
    const id = str(user?.['id'])
    if (!id) return unexpected(name, 'no user id in the answer')
    return valid(name, str(user?.['email']) ?? id, { id, fullName: str(user?.['full_name']) })
  },
}

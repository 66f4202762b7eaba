import { bearer, code, fromStatus, need, obj, str, valid, unexpected } from '../checks'
import type { Provider } from '../types'

/** GitLab REST v4: personal tokens go in PRIVATE-TOKEN, OAuth access tokens as Bearer. */
export const gitlab: Provider = {
  id: 'gitlab',
  baseField: 'url',
  authenticate: (c) =>
    c.secrets['accessToken']
      ? bearer(c.secrets['accessToken'])
      : { 'private-token': need(c, 'token', 'personal access token') },
  async validate({ name, send }) {
    const res = await send({ path: '/api/v4/user' })
    const body = obj(res.json())
    if (res.status !== 200) return fromStatus(name, res, code(body?.['error']))
    const username = str(body?.['username'])
    if (!username) return unexpected(name, 'no username in the answer')
    return valid(name, username, { id: str(body?.['id']), email: str(body?.['email']) })
  },
}

import { bearer, code, fromStatus, need, obj, str, valid, unexpected } from '../checks'
import type { Provider } from '../types'

export const NOTION_VERSION = '2022-06-28'

/** Notion: GET /v1/users/me returns the integration's bot user; the workspace names the account. */
export const notion: Provider = {
  id: 'notion',
  authenticate: (c) => ({
    ...bearer(need(c, 'token', 'integration secret')),
    'notion-version': NOTION_VERSION,
  }),
  async validate({ name, send }) {
    const res = await send({ path: '/v1/users/me' })
    const body = obj(res.json())
    if (res.status !== 200) return fromStatus(name, res, code(body?.['code']))
    const id = str(body?.['id'])
    if (!id) return unexpected(name, 'no user id in the answer')
    const bot = obj(body?.['bot'])
    const owner = obj(obj(obj(bot?.['owner'])?.['user'])?.['person'])
    return valid(name, str(bot?.['workspace_name']) ?? str(body?.['name']) ?? id, {
      botId: id,
      botName: str(body?.['name']),
      ownerEmail: str(owner?.['email']),
    })
  },
}

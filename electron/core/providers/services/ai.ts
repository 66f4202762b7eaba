import { bearer, code, fromStatus, need, obj, valid } from '../checks'
import type { HttpResponse } from '../http'
import type { Provider } from '../types'

// Model APIs: listing models is the cheapest authenticated call; none of them names an account.

function modelCount(res: HttpResponse): number | undefined {
  const data = obj(res.json())?.['data']
  return Array.isArray(data) ? data.length : undefined
}

export const openai: Provider = {
  id: 'openai',
  authenticate: (c) => ({
    ...bearer(need(c, 'apiKey', 'API key')),
    ...(c.fields['organization'] ? { 'openai-organization': c.fields['organization'] } : {}),
  }),
  async validate({ name, send, credential }) {
    const res = await send({ path: '/v1/models' })
    if (res.status !== 200) return fromStatus(name, res, code(obj(obj(res.json())?.['error'])?.['code']))
    return valid(name, credential.fields['organization'] || null, { models: modelCount(res) })
  },
}

export const ANTHROPIC_VERSION = '2023-06-01'

export const anthropic: Provider = {
  id: 'anthropic',
  authenticate: (c) => ({
    'x-api-key': need(c, 'apiKey', 'API key'),
    'anthropic-version': ANTHROPIC_VERSION,
  }),
  async validate({ name, send }) {
    const res = await send({ path: '/v1/models' })
    if (res.status !== 200) return fromStatus(name, res, code(obj(obj(res.json())?.['error'])?.['type']))
    return valid(name, null, { models: modelCount(res) })
  },
}

export const mistral: Provider = {
  id: 'mistral',
  authenticate: (c) => bearer(need(c, 'apiKey', 'API key')),
  async validate({ name, send }) {
    const res = await send({ path: '/v1/models' })
    if (res.status !== 200) return fromStatus(name, res)
    return valid(name, null, { models: modelCount(res) })
  },
}

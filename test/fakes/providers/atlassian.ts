import type { FakeRequest, ProviderFake } from './fake-server'
import { routes } from './fake-server'

export const ATLASSIAN_EMAIL = 'ada@example.com'
export const ATLASSIAN_TOKEN = 'ATATT3xFfGF0valid9c1d2e3f4a5b6c7d8e9f'

function basicOk(r: FakeRequest): 'ok' | 'bad' | 'none' {
  const h = r.headers['authorization']
  if (typeof h !== 'string' || !h.startsWith('Basic ')) return 'none'
  return Buffer.from(h.slice(6), 'base64').toString() === `${ATLASSIAN_EMAIL}:${ATLASSIAN_TOKEN}`
    ? 'ok'
    : 'bad'
}

const unauthorized = { status: 401, body: 'Client must be authenticated to access this resource.' }
const rateLimited = () => ({
  status: 429,
  headers: { 'retry-after': '20' },
  body: { message: 'Rate limit exceeded.' },
})
const values = (kind: 'valid' | 'invalid', base: string) => ({
  site: base,
  email: ATLASSIAN_EMAIL,
  apiToken: kind === 'valid' ? ATLASSIAN_TOKEN : 'ATATT3xFfGF0wrong',
})

/** Jira Cloud: GET /rest/api/3/myself with Basic email:api_token. */
export const jiraFake: ProviderFake = {
  service: 'jira',
  account: ATLASSIAN_EMAIL,
  secrets: [ATLASSIAN_TOKEN],
  values,
  spec: {
    handle: routes({
      'GET /rest/api/3/myself': (r) =>
        basicOk(r) !== 'ok'
          ? unauthorized
          : {
              status: 200,
              body: {
                self: 'https://acme.atlassian.net/rest/api/3/user?accountId=5b10a2844c20165700ede21g',
                accountId: '5b10a2844c20165700ede21g',
                accountType: 'atlassian',
                emailAddress: ATLASSIAN_EMAIL,
                displayName: 'Ada Lovelace',
                active: true,
                timeZone: 'Europe/London',
              },
            },
    }),
    rateLimited,
  },
}

/** Confluence: GET /wiki/rest/api/user/current; without counted credentials the user is anonymous. */
export const confluenceFake: ProviderFake = {
  service: 'confluence',
  account: ATLASSIAN_EMAIL,
  secrets: [ATLASSIAN_TOKEN],
  values,
  spec: {
    handle: routes({
      'GET /wiki/rest/api/user/current': (r) => {
        const auth = basicOk(r)
        if (auth === 'bad') return unauthorized
        if (auth === 'none')
          return { status: 200, body: { type: 'anonymous', displayName: 'Anonymous', _links: {} } }
        return {
          status: 200,
          body: {
            type: 'known',
            accountId: '5b10a2844c20165700ede21g',
            accountType: 'atlassian',
            email: ATLASSIAN_EMAIL,
            publicName: 'Ada',
            displayName: 'Ada Lovelace',
          },
        }
      },
    }),
    rateLimited,
  },
}

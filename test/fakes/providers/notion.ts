import { bearerOf, routes, type ProviderFake } from './fake-server'

export const NOTION_TOKEN = 'ntn_valid_4f9a1c2e7b3d5f6a8c0e'

/** Notion: GET /v1/users/me (bot user); the Notion-Version header is required. */
export const notionFake: ProviderFake = {
  service: 'notion',
  account: 'Acme Workspace',
  secrets: [NOTION_TOKEN],
  values: (kind) => ({ token: kind === 'valid' ? NOTION_TOKEN : 'ntn_revoked_000000000000' }),
  spec: {
    handle: routes({
      'GET /v1/users/me': (r) => {
        if (!r.headers['notion-version']) {
          return {
            status: 400,
            body: {
              object: 'error',
              status: 400,
              code: 'missing_version',
              message:
                'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
            },
          }
        }
        if (bearerOf(r) !== NOTION_TOKEN) {
          return {
            status: 401,
            body: { object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.' },
          }
        }
        return {
          status: 200,
          body: {
            object: 'user',
            id: '92a680bb-6970-4726-952b-4f4c03bff617',
            name: 'Keybridge',
            avatar_url: null,
            type: 'bot',
            bot: {
              owner: {
                type: 'user',
                user: {
                  object: 'user',
                  id: 'u-1',
                  name: 'Ada',
                  type: 'person',
                  person: { email: 'ada@example.com' },
                },
              },
              workspace_name: 'Acme Workspace',
            },
            request_id: 'req-1',
          },
        }
      },
    }),
    rateLimited: () => ({
      status: 429,
      headers: { 'retry-after': '12' },
      body: {
        object: 'error',
        status: 429,
        code: 'rate_limited',
        message: 'This request exceeds the number of requests allowed.',
      },
    }),
  },
}

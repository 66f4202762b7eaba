import { routes, type ProviderFake } from './fake-server'

export const LINEAR_KEY = 'lin_api_validKeyForTests0123456789abcdef'

const authError = {
  status: 400,
  body: {
    errors: [
      {
        message: 'Authentication required, not authenticated',
        extensions: {
          type: 'authentication error',
          code: 'AUTHENTICATION_ERROR',
          statusCode: 401,
          userPresentableMessage: 'You need to authenticate to access this operation.',
        },
      },
    ],
  },
}

/** Linear GraphQL: a personal key is the whole Authorization value ("Bearer <key>" is refused). */
export const linearFake: ProviderFake = {
  service: 'linear',
  account: 'ada@example.com',
  secrets: [LINEAR_KEY],
  values: (kind) => ({ apiKey: kind === 'valid' ? LINEAR_KEY : 'lin_api_wrong' }),
  spec: {
    handle: routes({
      'POST /graphql': (r) => {
        if (r.headers['authorization'] !== LINEAR_KEY) return authError
        const q = (JSON.parse(r.body || '{}') as { query?: string }).query ?? ''
        if (!q.includes('viewer'))
          return {
            status: 400,
            body: {
              errors: [{ message: 'Cannot query field', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
            },
          }
        return {
          status: 200,
          body: {
            data: {
              viewer: {
                id: 'b5a3c1d2-0000-4000-8000-000000000001',
                name: 'Ada Lovelace',
                email: 'ada@example.com',
              },
            },
          },
        }
      },
    }),
    rateLimited: () => ({
      status: 400,
      headers: {
        'x-ratelimit-requests-limit': '1500',
        'x-ratelimit-requests-remaining': '0',
        'x-ratelimit-requests-reset': String(Date.now() + 15_000),
      },
      body: { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] },
    }),
  },
}

import { bearerOf, routes, type ProviderFake } from './fake-server'

export const SENTRY_USER_TOKEN = 'sntryu_valid0123456789abcdef0123456789abcdef'
export const SENTRY_ORG_TOKEN = 'sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_orgtokenvalid'

/** Sentry: GET /api/0/ says who the token is (user null for org tokens); /api/0/organizations/. */
export const sentryFake: ProviderFake = {
  service: 'sentry',
  account: 'ada@example.com',
  secrets: [SENTRY_USER_TOKEN, SENTRY_ORG_TOKEN],
  values: (kind, base) => ({ token: kind === 'valid' ? SENTRY_USER_TOKEN : 'sntryu_wrong', url: base }),
  spec: {
    handle: routes({
      'GET /api/0/': (r) => {
        const t = bearerOf(r)
        if (t === SENTRY_USER_TOKEN) {
          return {
            status: 200,
            body: {
              version: '0',
              auth: { scopes: ['org:read', 'project:read'] },
              user: { id: '1', name: 'Ada', username: 'ada', email: 'ada@example.com' },
            },
          }
        }
        if (t === SENTRY_ORG_TOKEN)
          return { status: 200, body: { version: '0', auth: { scopes: ['org:ci'] }, user: null } }
        return { status: 401, body: { detail: 'Invalid token' } }
      },
      'GET /api/0/organizations/': (r) =>
        bearerOf(r) === SENTRY_ORG_TOKEN || bearerOf(r) === SENTRY_USER_TOKEN
          ? { status: 200, body: [{ id: '42', slug: 'acme', name: 'Acme' }] }
          : { status: 401, body: { detail: 'Invalid token' } },
    }),
    rateLimited: () => ({
      status: 429,
      headers: {
        'x-sentry-rate-limit-limit': '40',
        'x-sentry-rate-limit-remaining': '0',
        'x-sentry-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 9),
      },
      body: {
        detail: 'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds',
      },
    }),
  },
}

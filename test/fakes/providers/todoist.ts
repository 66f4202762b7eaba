import { bearerOf, routes, type ProviderFake } from './fake-server'

export const TODOIST_TOKEN = '0123456789abcdef0123456789abcdef01234567'

/** Todoist API v1: GET /api/v1/user; the retired REST v2 answers 410 Gone. */
export const todoistFake: ProviderFake = {
  service: 'todoist',
  account: 'ada@example.com',
  secrets: [TODOIST_TOKEN],
  values: (kind) => ({
    token: kind === 'valid' ? TODOIST_TOKEN : 'ffffffffffffffffffffffffffffffffffffffff',
  }),
  spec: {
    handle: (r) => {
      if (r.path.startsWith('/rest/v2/')) return { status: 410, body: 'This API is deprecated' }
      return routes({
        'GET /api/v1/user': (q) =>
          bearerOf(q) !== TODOIST_TOKEN
            ? { status: 401, body: 'Unauthorized' }
            : {
                status: 200,
                body: {
                  id: '2671355',
                  email: 'ada@example.com',
                  full_name: 'Ada Lovelace',
                  tz_info: { timezone: 'Europe/London' },
                  is_premium: true,
                },
              },
      })(r)
    },
  },
}

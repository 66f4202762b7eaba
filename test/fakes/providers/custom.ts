import { routes, type ProviderFake } from './fake-server'

export const CUSTOM_SECRET = 'cust0m-secret-value-for-tests'

/** A generic API that wants `X-Api-Key: Token <secret>` and answers GET /me. */
export const customFake: ProviderFake = {
  service: 'custom',
  account: null,
  secrets: [CUSTOM_SECRET],
  values: (kind, base) => ({
    baseUrl: `${base}/v1`,
    headerName: 'X-Api-Key',
    headerTemplate: 'Token {{secret}}',
    secret: kind === 'valid' ? CUSTOM_SECRET : 'wrong-secret',
    validatePath: '/me',
  }),
  spec: {
    handle: routes({
      'GET /v1/me': (r) =>
        r.headers['x-api-key'] === `Token ${CUSTOM_SECRET}`
          ? { status: 200, body: { id: 'me' } }
          : { status: 401, body: { error: 'unauthorized' } },
    }),
  },
}

import { bearerOf, routes, type ProviderFake } from './fake-server'

export const GOOGLE_ACCESS_TOKEN = 'ya29.a0validAccessTokenForTests0123456789'

/** Google APIs: GET /oauth2/v3/userinfo with an OAuth access token. */
export const googleFake: ProviderFake = {
  service: 'google',
  account: 'ada@example.com',
  secrets: [GOOGLE_ACCESS_TOKEN],
  values: (kind) => ({
    clientId: '1234-abc.apps.googleusercontent.com',
    clientSecret: 'GOCSPX-notReallySecret',
    // Not a form field: what an OAuth connection stores.
    accessToken: kind === 'valid' ? GOOGLE_ACCESS_TOKEN : 'ya29.expiredAccessToken',
  }),
  spec: {
    handle: routes({
      'GET /oauth2/v3/userinfo': (r) =>
        bearerOf(r) !== GOOGLE_ACCESS_TOKEN
          ? {
              status: 401,
              headers: {
                'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
              },
              body: { error: 'invalid_request', error_description: 'Invalid Credentials' },
            }
          : {
              status: 200,
              body: {
                sub: '110169484474386276334',
                name: 'Ada Lovelace',
                email: 'ada@example.com',
                email_verified: true,
              },
            },
    }),
  },
}

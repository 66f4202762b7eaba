import { bearerOf, routes, type FakeReply, type FakeRequest, type ProviderFake } from './fake-server'

export const HA_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.validLongLivedTokenForTests.sig'

const guard =
  (ok: (r: FakeRequest) => FakeReply) =>
  (r: FakeRequest): FakeReply =>
    bearerOf(r) === HA_TOKEN ? ok(r) : { status: 401, body: '401: Unauthorized' }

/** Home Assistant REST: every endpoint needs the token, GET /api/ included (text/plain 401). */
export const homeassistantFake: ProviderFake = {
  service: 'homeassistant',
  account: 'Home',
  secrets: [HA_TOKEN],
  values: (kind, base) => ({ url: base, token: kind === 'valid' ? HA_TOKEN : 'eyJ.wrong.token' }),
  spec: {
    handle: routes({
      'GET /api/': guard(() => ({ status: 200, body: { message: 'API running.' } })),
      'GET /api/config': guard(() => ({
        status: 200,
        body: {
          version: '2025.1.0',
          location_name: 'Home',
          time_zone: 'Europe/Amsterdam',
          unit_system: { length: 'km' },
          components: ['light', 'switch'],
          state: 'RUNNING',
          safe_mode: false,
        },
      })),
    }),
  },
}

import { bearerOf, routes, type ProviderFake } from './fake-server'

export const SLACK_TOKEN = 'xoxb-1111111111-2222222222-validTokenForTests'

/** Slack auth.test: errors are HTTP 200 with ok:false; 429 carries Retry-After. */
export const slackFake: ProviderFake = {
  service: 'slack',
  account: 'keybridge (Acme)',
  secrets: [SLACK_TOKEN],
  values: (kind) => ({ token: kind === 'valid' ? SLACK_TOKEN : 'xoxb-revoked-token' }),
  spec: {
    handle: routes({
      'POST /api/auth.test': (r) => {
        const t = bearerOf(r)
        if (!t) return { status: 200, body: { ok: false, error: 'not_authed' } }
        if (t !== SLACK_TOKEN) return { status: 200, body: { ok: false, error: 'invalid_auth' } }
        return {
          status: 200,
          body: {
            ok: true,
            url: 'https://acme.slack.com/',
            team: 'Acme',
            user: 'keybridge',
            team_id: 'T12345',
            user_id: 'U12345',
            bot_id: 'B12345',
            is_enterprise_install: false,
          },
        }
      },
    }),
    rateLimited: () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { ok: false, error: 'ratelimited' },
    }),
  },
}

import { bearerOf, routes, type FakeReply, type FakeRequest, type ProviderFake } from './fake-server'

export const GITHUB_PAT = 'github_pat_11AAAAAAA0validTokenForTests_abcdefghijklmnopqrstuvwxyz0123'
export const GITHUB_DEVICE_TOKEN = 'gho_deviceFlowAccessToken0123456789'

const badCredentials: FakeReply = {
  status: 401,
  body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
}

/** Device flow state: how many polls stay pending, and whether one of them asks to slow down. */
export const deviceState = {
  pendingPolls: 2,
  slowDownOnce: true,
  polls: 0,
  deviceCode: '3584d83530557fdd1f46af8289938c8ef79f9dc5',
}

function userRoute(r: FakeRequest): FakeReply {
  if (!r.headers['user-agent']) {
    return {
      status: 403,
      body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.',
    }
  }
  const t = bearerOf(r)
  if (t !== GITHUB_PAT && t !== GITHUB_DEVICE_TOKEN) return badCredentials
  return {
    status: 200,
    headers: {
      'x-oauth-scopes': 'repo, read:user',
      'github-authentication-token-expiration': '2030-01-05 12:00:00 UTC',
      'x-ratelimit-remaining': '4999',
    },
    body: {
      login: 'octocat',
      id: 1,
      node_id: 'MDQ6VXNlcjE=',
      type: 'User',
      name: 'The Octocat',
      email: null,
    },
  }
}

/** GitHub: REST GET /user and the OAuth device flow (errors arrive as HTTP 200, RFC 8628 codes). */
export const githubFake: ProviderFake = {
  service: 'github',
  account: 'octocat',
  secrets: [GITHUB_PAT, GITHUB_DEVICE_TOKEN],
  values: (kind) => ({ token: kind === 'valid' ? GITHUB_PAT : 'ghp_revokedrevokedrevokedrevoked0000' }),
  spec: {
    handle: routes({
      'GET /user': userRoute,
      'POST /login/device/code': (r) => {
        const p = new URLSearchParams(r.body)
        if (!p.get('client_id')) return { status: 200, body: { error: 'unauthorized_client' } }
        deviceState.polls = 0
        return {
          status: 200,
          body: {
            device_code: deviceState.deviceCode,
            user_code: 'WDJB-MJHT',
            verification_uri: 'https://github.com/login/device',
            expires_in: 900,
            interval: 5,
          },
        }
      },
      'POST /login/oauth/access_token': (r) => {
        const p = new URLSearchParams(r.body)
        if (
          p.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:device_code' ||
          p.get('device_code') !== deviceState.deviceCode
        ) {
          return {
            status: 200,
            body: {
              error: 'incorrect_device_code',
              error_description: 'The device_code provided is not valid.',
            },
          }
        }
        deviceState.polls++
        if (deviceState.slowDownOnce && deviceState.polls === 1) {
          return {
            status: 200,
            body: { error: 'slow_down', error_description: 'Too many requests.', interval: 10 },
          }
        }
        if (deviceState.polls <= deviceState.pendingPolls) {
          return {
            status: 200,
            body: {
              error: 'authorization_pending',
              error_description: 'The authorization request is still pending.',
            },
          }
        }
        return {
          status: 200,
          body: { access_token: GITHUB_DEVICE_TOKEN, token_type: 'bearer', scope: 'repo,read:user' },
        }
      },
    }),
    rateLimited: () => ({
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
      },
      body: {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    }),
  },
}

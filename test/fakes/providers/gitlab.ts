import { bearerOf, routes, type ProviderFake } from './fake-server'

export const GITLAB_PAT = 'glpat-validTokenForTests0123'

/** GitLab: GET /api/v4/user with PRIVATE-TOKEN (or Bearer for OAuth tokens). */
export const gitlabFake: ProviderFake = {
  service: 'gitlab',
  account: 'jdoe',
  secrets: [GITLAB_PAT],
  values: (kind, base) => ({ token: kind === 'valid' ? GITLAB_PAT : 'glpat-wrongwrongwrong', url: base }),
  spec: {
    handle: routes({
      'GET /api/v4/user': (r) => {
        const t = (r.headers['private-token'] as string | undefined) ?? bearerOf(r)
        if (t !== GITLAB_PAT) return { status: 401, body: { message: '401 Unauthorized' } }
        return {
          status: 200,
          body: {
            id: 1,
            username: 'jdoe',
            name: 'Jane Doe',
            state: 'active',
            email: 'jdoe@example.com',
            web_url: 'https://gitlab.example.com/jdoe',
          },
        }
      },
    }),
    rateLimited: () => ({
      status: 429,
      headers: { 'retry-after': '60', 'ratelimit-remaining': '0' },
      body: 'Retry later',
    }),
  },
}

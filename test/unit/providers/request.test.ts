import { describe, expect, it } from 'vitest'
import { baseUrlEnvName, resolveBaseUrl } from '../../../electron/core/providers/base-url'
import { getServiceDescriptor } from '../../../electron/core/providers/catalog'
import { getProvider, providerIds } from '../../../electron/core/providers/registry'
import { buildAuthenticatedRequest } from '../../../electron/core/providers/request'
import { listServiceDescriptors } from '../../../electron/core/providers/catalog'

const TOKEN = 'ghp_secretTokenValue0123456789'

function refused(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    const err = e as { code?: string; message: string }
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.message).not.toContain(TOKEN)
    return err.message
  }
  throw new Error('expected a refusal')
}

describe('buildAuthenticatedRequest', () => {
  it('builds a GitHub request with the token and the documented headers', () => {
    const r = buildAuthenticatedRequest(
      'github',
      {},
      { token: TOKEN },
      { path: '/repos/o/r/issues', query: { state: 'open', per_page: 5 } },
    )
    expect(r.url).toBe('https://api.github.com/repos/o/r/issues?state=open&per_page=5')
    expect(r.method).toBe('GET')
    expect(r.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'x-github-api-version': '2022-11-28',
      accept: 'application/vnd.github+json',
    })
    expect(r.body).toBeUndefined()
  })

  it('authenticates each service its own way', () => {
    const h = (s: string, fields: Record<string, string>, secrets: Record<string, string>) =>
      buildAuthenticatedRequest(s, fields, secrets, { path: '/x' }).headers
    expect(h('linear', {}, { apiKey: 'lin_api_k' })['authorization']).toBe('lin_api_k')
    expect(h('gitlab', {}, { token: 'glpat-x' })['private-token']).toBe('glpat-x')
    expect(h('gitlab', {}, { accessToken: 'oauth-x' })['authorization']).toBe('Bearer oauth-x')
    expect(h('anthropic', {}, { apiKey: 'sk-ant' })).toMatchObject({
      'x-api-key': 'sk-ant',
      'anthropic-version': '2023-06-01',
    })
    expect(h('notion', {}, { token: 'ntn' })['notion-version']).toBe('2022-06-28')
    expect(
      h('jira', { site: 'https://acme.atlassian.net', email: 'a@b.c' }, { apiToken: 't' })['authorization'],
    ).toBe(`Basic ${Buffer.from('a@b.c:t').toString('base64')}`)
    expect(
      h(
        'custom',
        { baseUrl: 'https://api.example.com', headerName: 'X-Key', headerTemplate: 'Token {{secret}}' },
        { secret: 's3' },
      )['x-key'],
    ).toBe('Token s3')
  })

  it('sends JSON bodies and drops caller attempts to set auth or hop-by-hop headers', () => {
    const r = buildAuthenticatedRequest(
      'github',
      {},
      { token: TOKEN },
      {
        method: 'post',
        path: '/repos/o/r/issues',
        body: { title: 'hi' },
        headers: { Authorization: 'Bearer evil', Cookie: 'c', 'X-Trace': '1' },
      },
    )
    expect(r.method).toBe('POST')
    expect(r.body).toBe('{"title":"hi"}')
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.headers['authorization']).toBe(`Bearer ${TOKEN}`)
    expect(r.headers['cookie']).toBeUndefined()
    expect(r.headers['x-trace']).toBe('1')
  })

  it.each([
    'https://evil.example.com/x',
    '//evil.example.com/x',
    'user',
    '/../admin',
    '/repos/../../x',
    '/%2e%2e/admin',
    '/%252e%252e/admin',
    '/a\\..\\b',
    '/a/./b',
    '/x\r\nHost: evil',
    'javascript:alert(1)',
    '/http://evil/',
  ])('refuses a path that could leave the base: %s', (path) => {
    const msg = refused(() => buildAuthenticatedRequest('github', {}, { token: TOKEN }, { path }))
    expect(msg).toMatch(/GitHub/)
  })

  it('keeps requests under a base that has a path (custom API)', () => {
    const fields = {
      baseUrl: 'https://api.example.com/v2',
      headerName: 'X-Key',
      headerTemplate: '{{secret}}',
    }
    expect(buildAuthenticatedRequest('custom', fields, { secret: 's' }, { path: '/items' }).url).toBe(
      'https://api.example.com/v2/items',
    )
    refused(() => buildAuthenticatedRequest('custom', fields, { secret: 's' }, { path: '/../v1/items' }))
  })

  it('refuses unknown methods and unknown services', () => {
    refused(() => buildAuthenticatedRequest('github', {}, { token: TOKEN }, { method: 'CONNECT', path: '/' }))
    expect(() => buildAuthenticatedRequest('nope', {}, {}, { path: '/' })).toThrow(/does not know/)
  })

  it('honours KEYBRIDGE_<SERVICE>_BASE_URL, over the user site too', () => {
    const env = { KEYBRIDGE_JIRA_BASE_URL: 'http://127.0.0.1:9999/' }
    const r = buildAuthenticatedRequest(
      'jira',
      { site: 'https://acme.atlassian.net', email: 'a@b.c' },
      { apiToken: 't' },
      { path: '/rest/api/3/myself' },
      env,
    )
    expect(r.url).toBe('http://127.0.0.1:9999/rest/api/3/myself')
  })
})

describe('base URLs', () => {
  it('names the override after the upper-cased service id', () => {
    expect(baseUrlEnvName('github')).toBe('KEYBRIDGE_GITHUB_BASE_URL')
    expect(baseUrlEnvName('homeassistant')).toBe('KEYBRIDGE_HOMEASSISTANT_BASE_URL')
  })

  it('requires https for user-given sites except on loopback and LAN services', () => {
    const jira = getServiceDescriptor('jira')!
    const p = getProvider('jira')!
    expect(() => resolveBaseUrl(jira, p, { site: 'http://acme.atlassian.net' }, {})).toThrow(/https/)
    expect(() => resolveBaseUrl(jira, p, { site: 'https://u:p@acme.atlassian.net' }, {})).toThrow(/user name/)
    expect(() => resolveBaseUrl(jira, p, {}, {})).toThrow(/Site URL/)
    expect(resolveBaseUrl(jira, p, { site: 'https://acme.atlassian.net/' }, {})).toBe(
      'https://acme.atlassian.net',
    )
    const ha = getServiceDescriptor('homeassistant')!
    expect(
      resolveBaseUrl(ha, getProvider('homeassistant')!, { url: 'http://homeassistant.local:8123' }, {}),
    ).toBe('http://homeassistant.local:8123')
  })

  it('has a provider for every catalog entry', () => {
    expect(providerIds().sort()).toEqual(
      listServiceDescriptors()
        .map((s) => s.id)
        .sort(),
    )
  })
})

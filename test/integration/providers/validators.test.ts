import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { baseUrlEnvName } from '../../../electron/core/providers/base-url'
import { getServiceDescriptor, listServiceDescriptors } from '../../../electron/core/providers/catalog'
import { ProviderHttp } from '../../../electron/core/providers/http'
import { Validator } from '../../../electron/core/providers/validator'
import type { CredentialInput } from '../../../electron/core/providers/types'
import { PROVIDER_FAKES, startFake } from '../../fakes/providers'
import type { FakeServer, ProviderFake } from '../../fakes/providers/fake-server'
import { SENTRY_ORG_TOKEN } from '../../fakes/providers/sentry'
import { LINEAR_KEY } from '../../fakes/providers/linear'
import { confluence } from '../../../electron/core/providers/services/atlassian'

/** Splits form values as the catalog says; keys outside the form (OAuth tokens) are secrets. */
function input(fake: ProviderFake, kind: 'valid' | 'invalid', base: string): CredentialInput {
  const d = getServiceDescriptor(fake.service)!
  const fields: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  for (const [k, v] of Object.entries(fake.values(kind, base))) {
    const f = d.fields.find((x) => x.key === k)
    ;(f && !f.secret ? fields : secrets)[k] = v
  }
  return { fields, secrets }
}

const servers = new Map<string, FakeServer>()
const env: Record<string, string> = {}
const http = new ProviderHttp({ backoffMs: 5, timeoutMs: 2_000 })
let validator: Validator

beforeAll(async () => {
  for (const f of PROVIDER_FAKES) {
    const s = await startFake(f.spec)
    servers.set(f.service, s)
    env[baseUrlEnvName(f.service)] = f.service === 'custom' ? `${s.url}/v1` : s.url
  }
  validator = new Validator({
    http,
    clock: new ManualClock(),
    env,
    userAgent: 'Keybridge/test',
    perMinute: 1000,
  })
})

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()))
  await http.close()
})

describe('every catalog service against its fake', () => {
  it('has a fake for every catalog entry', () => {
    expect(PROVIDER_FAKES.map((f) => f.service).sort()).toEqual(
      listServiceDescriptors()
        .map((s) => s.id)
        .sort(),
    )
  })

  for (const fake of PROVIDER_FAKES) {
    describe(fake.service, () => {
      it('accepts a valid credential and reads the account identifier', async () => {
        const s = servers.get(fake.service)!
        s.mode = 'normal'
        const v = await validator.check(fake.service, input(fake, 'valid', s.url))
        expect(v.outcome, v.message).toBe('valid')
        expect(v.reason).toBeNull()
        expect(v.account).toBe(fake.account)
        expect(v.latencyMs).toBeGreaterThanOrEqual(0)
      })

      it('rejects an invalid credential as bad_credentials, without echoing any secret', async () => {
        const s = servers.get(fake.service)!
        s.mode = 'normal'
        const bad = input(fake, 'invalid', s.url)
        const v = await validator.check(fake.service, bad)
        expect(v.outcome).toBe('invalid')
        expect(v.reason).toBe('bad_credentials')
        expect(v.account).toBeNull()
        const text = JSON.stringify(v)
        for (const secret of [...fake.secrets, ...Object.values(bad.secrets)])
          expect(text).not.toContain(secret)
      })
    })
  }
})

describe('service specifics', () => {
  const fake = (id: string) => PROVIDER_FAKES.find((f) => f.service === id)!
  const url = (id: string) => servers.get(id)!.url

  it('sends the documented headers', async () => {
    const expectations: Record<string, (h: Record<string, unknown>) => void> = {
      notion: (h) => expect(h['notion-version']).toBe('2022-06-28'),
      github: (h) => {
        expect(h['x-github-api-version']).toBe('2022-11-28')
        expect(h['accept']).toBe('application/vnd.github+json')
        expect(h['user-agent']).toBe('Keybridge/test')
      },
      gitlab: (h) => expect(h['private-token']).toBeTruthy(),
      anthropic: (h) => {
        expect(h['anthropic-version']).toBe('2023-06-01')
        expect(h['x-api-key']).toBeTruthy()
        expect(h['authorization']).toBeUndefined()
      },
      linear: (h) => expect(h['authorization']).toBe(LINEAR_KEY),
      jira: (h) => expect(String(h['authorization'])).toMatch(/^Basic /),
      custom: (h) => expect(h['x-api-key']).toMatch(/^Token /),
    }
    for (const [id, check] of Object.entries(expectations)) {
      const s = servers.get(id)!
      s.requests.length = 0
      await validator.check(id, input(fake(id), 'valid', s.url))
      check(s.requests[0].headers as Record<string, unknown>)
    }
  })

  it('reads Slack errors that come as HTTP 200 with ok:false', async () => {
    const v = await validator.check('slack', { fields: {}, secrets: { token: 'xoxb-nope' } })
    expect(v.reason).toBe('bad_credentials')
    expect(v.message).toContain('invalid_auth')
  })

  it('treats an anonymous Confluence user as credentials that did not count', async () => {
    // What Confluence answers when the credentials were not counted: 200 with type "anonymous".
    const base = url('confluence')
    const check = await confluence.validate({
      name: 'Confluence',
      base,
      credential: { fields: {}, secrets: {} },
      send: (req) => http.send({ url: base + req.path }),
    })
    expect(check.outcome).toBe('invalid')
    expect(check.reason).toBe('bad_credentials')
    expect(check.message).toContain('anonymous')
  })

  it('names a Sentry organization token by its organization', async () => {
    const v = await validator.check('sentry', { fields: {}, secrets: { token: SENTRY_ORG_TOKEN } })
    expect(v.outcome).toBe('valid')
    expect(v.account).toBe('acme')
    expect(v.metadata['scopes']).toBe('org:ci')
  })

  it('reads GitHub scopes and token expiry from headers', async () => {
    const v = await validator.check('github', input(fake('github'), 'valid', url('github')))
    expect(v.metadata['scopes']).toBe('repo, read:user')
    expect(v.expiresAt).toBe(Date.parse('2030-01-05T12:00:00Z'))
  })

  it('reports rate limits with the provider-given wait', async () => {
    const cases: [string, number | null][] = [
      ['notion', 12],
      ['slack', 7],
      ['anthropic', 15],
      ['jira', 20],
      ['github', null],
      ['linear', null],
      ['sentry', null],
    ]
    for (const [id, wait] of cases) {
      const s = servers.get(id)!
      s.mode = 'rate_limited'
      const v = await validator.check(id, input(fake(id), 'valid', s.url))
      s.mode = 'normal'
      expect(v.reason, id).toBe('rate_limited')
      expect(v.outcome).toBe('unreachable')
      if (wait !== null) expect(v.retryAfterSeconds, id).toBe(wait)
      else expect(v.retryAfterSeconds, id).toBeGreaterThan(0)
    }
  })

  it('lets KEYBRIDGE_<SERVICE>_BASE_URL win over the user-given site', async () => {
    const v = await validator.check('jira', input(fake('jira'), 'valid', 'https://acme.atlassian.net'))
    expect(v.outcome).toBe('valid')
    const alone = new Validator({ http, clock: new ManualClock(), env: {}, userAgent: 'x', perMinute: 100 })
    const direct = await alone.check('jira', input(fake('jira'), 'valid', url('jira')))
    expect(direct.outcome).toBe('valid')
  })

  it('knows Todoist REST v2 is retired', async () => {
    const res = await http.send({ url: `${url('todoist')}/rest/v2/projects` })
    expect(res.status).toBe(410)
  })
})

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { makeCore } from '../../helpers/core'
import { startFake, type FakeServer } from '../../fakes/providers/fake-server'
import { GITHUB_PAT, githubFake } from '../../fakes/providers/github'
import { SLACK_TOKEN, slackFake } from '../../fakes/providers/slack'
import { CUSTOM_SECRET } from '../../fakes/providers/custom'

type Core = Awaited<ReturnType<typeof makeCore>>
const BAD = 'ghp_wrongwrongwrongwrongwrong0001'
const SECRETS = [GITHUB_PAT, BAD, SLACK_TOKEN, CUSTOM_SECRET]

let github: FakeServer
let slack: FakeServer
let core: Core
let clock: ManualClock
const notes: { title: string; body: string }[] = []
const events: [string, unknown][] = []
const logged: string[] = []

beforeAll(async () => {
  github = await startFake(githubFake.spec)
  slack = await startFake(slackFake.spec)
})
afterAll(async () => {
  await github.close()
  await slack.close()
})

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2030, 0, 1))
  notes.length = 0
  events.length = 0
  logged.length = 0
  for (const m of ['log', 'error', 'warn', 'info'] as const) {
    vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')))
  }
  core = await makeCore({
    unlocked: true,
    clock,
    env: {
      KEYBRIDGE_GITHUB_BASE_URL: github.url,
      KEYBRIDGE_SLACK_BASE_URL: slack.url,
      // A short deadline keeps the hanging-server case fast; the default is 10 s.
      KEYBRIDGE_HTTP_TIMEOUT_MS: '300',
    },
    notify: (n) => void notes.push(n),
  })
  core.ctx.events.subscribe((name, payload) => void events.push([name, payload]))
})
afterEach(async () => {
  github.mode = 'normal'
  // Nothing secret may have reached a log line, an event, a notification or an audit row.
  const audit = auditText()
  await core.dispose()
  const everything = [...logged, JSON.stringify(events), JSON.stringify(notes), audit].join('\n')
  for (const s of SECRETS) expect(everything).not.toContain(s)
  vi.restoreAllMocks()
})

async function ok<T>(channel: string, input: unknown): Promise<T> {
  const r = await core.invoke(channel, input)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.data as T
}
async function err(channel: string, input: unknown) {
  const r = await core.invoke(channel, input)
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`)
  for (const s of SECRETS) expect(r.error.message).not.toContain(s)
  return r.error
}
function auditText(): string {
  return JSON.stringify(core.ctx.db.prepare('SELECT * FROM audit_log').all())
}

interface Summary {
  id: string
  status: string
  account: string | null
  validationError: string | null
  expiresAt: number | null
  name: string
  lastValidatedAt: number | null
}
interface Saved {
  credential: Summary
  validation: { outcome: string; reason: string | null; account: string | null; message: string } | null
}

describe('services.list', () => {
  it('returns the catalog descriptors, no functions', async () => {
    const list = await ok<{ id: string; fields: { key: string; secret: boolean }[] }[]>(
      'services.list',
      undefined,
    )
    expect(list.map((s) => s.id)).toContain('github')
    expect(list).toHaveLength(15)
    expect(list.find((s) => s.id === 'github')!.fields[0]).toMatchObject({ key: 'token', secret: true })
  })
})

describe('validation before save', () => {
  it('tests without storing anything', async () => {
    const v = await ok<{ outcome: string; account: string }>('credentials.test', {
      service: 'github',
      fields: { token: GITHUB_PAT },
    })
    expect(v).toMatchObject({ outcome: 'valid', account: 'octocat' })
    expect(core.ctx.credentials.list()).toHaveLength(0)
    expect((await err('credentials.test', { service: 'github', fields: { nope: 'x' } })).code).toBe(
      'INVALID_INPUT',
    )
    expect((await err('credentials.test', { service: 'github', fields: {} })).code).toBe('INVALID_INPUT')
  })

  it('refuses an invalid credential and stores nothing', async () => {
    const e = await err('credentials.create', { service: 'github', name: 'work', fields: { token: BAD } })
    expect(e.code).toBe('VALIDATION_FAILED')
    expect(e.message).toMatch(/GitHub rejected/)
    expect(core.ctx.credentials.list()).toHaveLength(0)
  })

  it('refuses an unreachable service unless saveAnyway, then stores it unvalidated with the error', async () => {
    github.mode = 'hang'
    expect(
      (await err('credentials.create', { service: 'github', name: 'offline', fields: { token: GITHUB_PAT } }))
        .code,
    ).toBe('VALIDATION_FAILED')
    const saved = await ok<Saved>('credentials.create', {
      service: 'github',
      name: 'offline',
      fields: { token: GITHUB_PAT },
      saveAnyway: true,
    })
    expect(saved.credential.status).toBe('unvalidated')
    expect(saved.credential.validationError).toMatch(/did not answer/)
    expect(saved.validation?.reason).toBe('timeout')
  })

  it('stores a valid credential as active with its account and expiry', async () => {
    const saved = await ok<Saved>('credentials.create', {
      service: 'github',
      name: 'work',
      fields: { token: GITHUB_PAT },
    })
    expect(saved.credential).toMatchObject({ status: 'active', account: 'octocat', validationError: null })
    expect(saved.credential.expiresAt).toBe(Date.parse('2030-01-05T12:00:00Z'))
    expect(
      core.ctx.credentials.readSecrets(saved.credential.id, { actor: 'system', action: 'test' }),
    ).toEqual({ token: GITHUB_PAT })
    expect(
      (await err('credentials.create', { service: 'github', name: 'WORK', fields: { token: GITHUB_PAT } }))
        .code,
    ).toBe('CONFLICT')
  })

  it('stores without contacting the service when validate is false', async () => {
    github.requests.length = 0
    const saved = await ok<Saved>('credentials.create', {
      service: 'github',
      name: 'later',
      fields: { token: BAD },
      validate: false,
    })
    expect(saved.credential.status).toBe('unvalidated')
    expect(saved.validation).toBeNull()
    expect(github.requests).toHaveLength(0)
  })

  it('stores a custom API without a test path as unvalidated, no saveAnyway needed', async () => {
    const saved = await ok<Saved>('credentials.create', {
      service: 'custom',
      name: 'internal',
      fields: {
        baseUrl: 'https://api.example.com',
        headerName: 'X-Key',
        headerTemplate: '{{secret}}',
        secret: CUSTOM_SECRET,
      },
    })
    expect(saved.credential.status).toBe('unvalidated')
    expect(saved.validation?.reason).toBe('not_validated')
  })

  it('sends Google to OAuth and refuses while locked', async () => {
    expect(
      (
        await err('credentials.create', {
          service: 'google',
          name: 'me',
          fields: { clientId: 'x', clientSecret: 'y' },
        })
      ).code,
    ).toBe('INVALID_INPUT')
    core.ctx.vault.lock('ui')
    expect(
      (await err('credentials.create', { service: 'github', name: 'w', fields: { token: GITHUB_PAT } })).code,
    ).toBe('VAULT_LOCKED')
  })
})

describe('update and revalidation', () => {
  it('renames without validating, revalidates when the secret changes, same saveAnyway rule', async () => {
    const { credential } = await ok<Saved>('credentials.create', {
      service: 'github',
      name: 'work',
      fields: { token: GITHUB_PAT },
    })
    github.requests.length = 0
    const renamed = await ok<Saved>('credentials.update', { id: credential.id, name: 'job' })
    expect(renamed.credential.name).toBe('job')
    expect(renamed.validation).toBeNull()
    expect(github.requests).toHaveLength(0)

    expect((await err('credentials.update', { id: credential.id, fields: { token: BAD } })).code).toBe(
      'VALIDATION_FAILED',
    )
    expect(core.ctx.credentials.readSecrets(credential.id, { actor: 'system', action: 'test' }).token).toBe(
      GITHUB_PAT,
    )

    const forced = await ok<Saved>('credentials.update', {
      id: credential.id,
      fields: { token: BAD },
      saveAnyway: true,
    })
    expect(forced.credential.status).toBe('unvalidated')
    expect(forced.credential.validationError).toMatch(/rejected/)

    const fixed = await ok<Saved>('credentials.update', { id: credential.id, fields: { token: GITHUB_PAT } })
    expect(fixed.credential).toMatchObject({ status: 'active', validationError: null, account: 'octocat' })
  })

  it('revalidates one and all; a credential that stopped working raises attention and a notification', async () => {
    const a = await ok<Saved>('credentials.create', {
      service: 'github',
      name: 'a',
      fields: { token: GITHUB_PAT },
    })
    const b = await ok<Saved>('credentials.create', {
      service: 'slack',
      name: 'b',
      fields: { token: SLACK_TOKEN },
    })
    clock.advance(1000)
    const one = await ok<{ results: { status: string; validation: { outcome: string } }[] }>(
      'credentials.revalidate',
      { id: a.credential.id },
    )
    expect(one.results).toEqual([
      expect.objectContaining({
        status: 'active',
        validation: expect.objectContaining({ outcome: 'valid' }),
      }),
    ])
    expect(core.ctx.credentials.get(a.credential.id).lastValidatedAt).toBe(clock.now())

    // The Slack token gets revoked upstream.
    core.ctx.credentials.update(b.credential.id, { secrets: { token: 'xoxb-revoked' } }, 'system')
    const all = await ok<{ results: { ref: string; status: string }[] }>('credentials.revalidate', {
      all: true,
    })
    expect(all.results.map((r) => [r.ref, r.status])).toEqual([
      ['github/a', 'active'],
      ['slack/b', 'invalid'],
    ])
    const attention = events.filter(([n]) => n === 'credentials.attention')
    expect(attention).toEqual([
      [
        'credentials.attention',
        expect.objectContaining({ ref: 'slack/b', kind: 'invalid', status: 'invalid' }),
      ],
    ])
    expect(notes).toEqual([expect.objectContaining({ title: 'slack/b no longer works' })])

    // Unreachable keeps the status (it says nothing about the credential) but records the error.
    github.mode = 'server_error'
    const down = await ok<{ results: { status: string; validation: { reason: string } }[] }>(
      'credentials.revalidate',
      { id: a.credential.id },
    )
    expect(down.results[0]).toMatchObject({ status: 'active', validation: { reason: 'unexpected_response' } })
    expect(core.ctx.credentials.get(a.credential.id).validationError).toMatch(/server problem/)
  })

  it('rate-limits validation attempts per service (10 a minute) with a clear error', async () => {
    for (let i = 0; i < 10; i++)
      await ok('credentials.test', { service: 'github', fields: { token: GITHUB_PAT } })
    const e = await err('credentials.test', { service: 'github', fields: { token: GITHUB_PAT } })
    expect(e.code).toBe('RATE_LIMITED')
    expect(e.message).toMatch(/Too many validation attempts for GitHub: wait \d+ s/)
    await ok('credentials.test', { service: 'slack', fields: { token: SLACK_TOKEN } })
    clock.advance(61_000)
    await ok('credentials.test', { service: 'github', fields: { token: GITHUB_PAT } })
  })

  it('never writes a secret into the audit trail', async () => {
    await ok('credentials.create', { service: 'github', name: 'a', fields: { token: GITHUB_PAT } })
    await err('credentials.create', { service: 'github', name: 'b', fields: { token: BAD } })
    await ok('credentials.revalidate', { all: true })
    const text = auditText()
    expect(text).toContain('validated')
    for (const s of SECRETS) expect(text).not.toContain(s)
  })
})

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { providersOf } from '../../../electron/core/providers/feature'
import { DAY_MS } from '../../../electron/core/providers/scheduler'
import { makeCore } from '../../helpers/core'
import { startFake, type FakeServer } from '../../fakes/providers/fake-server'
import { GITHUB_PAT, githubFake } from '../../fakes/providers/github'

type Core = Awaited<ReturnType<typeof makeCore>>
let github: FakeServer
let core: Core
let clock: ManualClock
const events: [string, { kind?: string; ref?: string; message?: string }][] = []
const notes: { title: string; body: string }[] = []

beforeAll(async () => {
  github = await startFake(githubFake.spec)
})
afterAll(() => github.close())
beforeEach(async () => {
  events.length = 0
  notes.length = 0
  clock = new ManualClock(Date.UTC(2030, 0, 1))
  core = await makeCore({
    unlocked: true,
    clock,
    env: { KEYBRIDGE_GITHUB_BASE_URL: github.url },
    notify: (n) => void notes.push(n),
  })
  core.ctx.events.subscribe((n, p) => void events.push([n, p as never]))
})
afterEach(() => core.dispose())

/** Moves the clock a day and waits for the daily run it triggers. */
async function nextDay() {
  clock.advance(DAY_MS)
  await providersOf(core.ctx)!.scheduler.running
}
const attention = () => events.filter(([n]) => n === 'credentials.attention').map(([, p]) => p)

describe('providers scheduler', () => {
  it('revalidates every credential once a day, and warns before and at expiry (once each)', async () => {
    // The fake GitHub says the token expires on 2030-01-05 12:00 UTC.
    const r = await core.invoke('credentials.create', {
      service: 'github',
      name: 'work',
      fields: { token: GITHUB_PAT },
    })
    expect(r.ok).toBe(true)
    github.requests.length = 0

    await nextDay()
    expect(github.requests).toHaveLength(1)
    expect(attention()).toEqual([
      expect.objectContaining({
        ref: 'github/work',
        kind: 'expiring',
        message: 'github/work expires in 4 days.',
      }),
    ])
    expect(notes[0].title).toBe('github/work expires soon')

    await nextDay()
    expect(github.requests).toHaveLength(2)
    expect(attention()).toHaveLength(1) // not repeated

    for (let i = 0; i < 3; i++) await nextDay()
    const c = core.ctx.credentials.findByRef('github/work')
    expect(c.status).toBe('expired')
    expect(attention().map((a) => a.kind)).toEqual(['expiring', 'expired'])
    expect(notes.map((n) => n.title)).toEqual(['github/work expires soon', 'github/work has expired'])
  })

  it('skips the daily revalidation while the vault is locked', async () => {
    await core.invoke('credentials.create', {
      service: 'github',
      name: 'work',
      fields: { token: GITHUB_PAT },
    })
    github.requests.length = 0
    core.ctx.vault.lock('ui')
    await nextDay()
    expect(github.requests).toHaveLength(0)
  })
})

import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { ManualClock } from '../../../electron/core/clock'
import { providersOf } from '../../../electron/core/providers/feature'
import { DAY_MS } from '../../../electron/core/providers/scheduler'
import { makeCore } from '../../helpers/core'
import { MemoryClipboard, settleClipboard } from '../../unit/credentials/memory-clipboard'

/** A ManualClock that knows which timers are armed and whether any fires once the core is closed. */
class WatchedClock extends ManualClock {
  armed = new Set<number>()
  firedAfterClose = 0
  closed = false
  private ids = 0
  override setTimer(ms: number, fn: () => void): () => void {
    const id = ++this.ids
    this.armed.add(id)
    const cancel = super.setTimer(ms, () => {
      this.armed.delete(id)
      if (this.closed) this.firedAfterClose++
      fn()
    })
    return () => {
      this.armed.delete(id)
      cancel()
    }
  }
}

/** Loopback stand-in for every provider: counts requests; holds answers while `hold` is set. */
async function provider() {
  const held: ServerResponse[] = []
  const s = {
    requests: 0,
    hold: false,
    url: '',
    release() {
      s.hold = false
      for (const res of held.splice(0)) answer(res)
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
  const answer = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ login: 'octocat' }))
  const server = createServer((req, res) => {
    s.requests++
    req.resume()
    if (s.hold) held.push(res)
    else answer(res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return s
}

const apiToken = (service: string, name: string, expiresAt: number | null = null) => ({
  service,
  name,
  account: null,
  fields: {},
  secrets: { token: `ghp_${name}_0123456789abcdef` },
  status: 'active' as const,
  lastValidatedAt: null,
  validationError: null,
  expiresAt,
  metadata: {},
})

describe('after core.close() nothing scheduled runs', () => {
  let fake: Awaited<ReturnType<typeof provider>>
  let errors: ReturnType<typeof vi.spyOn>
  beforeEach(async () => {
    fake = await provider()
    errors = vi.spyOn(console, 'error')
  })
  afterEach(async () => {
    errors.mockRestore()
    await fake.close()
  })

  it('every feature cancels its timers: days later no callback, no network, no database access', async () => {
    const clock = new WatchedClock()
    const core = await makeCore({
      unlocked: true,
      clock,
      // The desktop's runtime: the vault's inactivity timer runs too.
      runtime: 'browser-harness',
      clipboard: new MemoryClipboard(),
      env: {
        KEYBRIDGE_GITHUB_BASE_URL: fake.url,
        KEYBRIDGE_GOOGLE_TOKEN_URL: `${fake.url}/token`,
      },
    })
    const gh = core.ctx.credentials.create(apiToken('github', 'work', clock.now() + 3 * DAY_MS), 'ui')
    core.ctx.credentials.create(
      {
        ...apiToken('google', 'me', clock.now() + 3600_000),
        fields: { clientId: 'client-1' },
        secrets: { accessToken: 'ya29.access-0123456789', refreshToken: '1//refresh-0123456789' },
      },
      'ui',
    )
    expect(await core.invoke('credentials.copy', { id: gh.id, field: 'token' })).toMatchObject({ ok: true })
    await getBridge(core.ctx).start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
    clock.advance(1_000) // lets the OAuth refresher plan its timer
    expect(clock.armed.size).toBeGreaterThanOrEqual(5) // retention, daily, refresh, auto-lock, clipboard

    await core.close()
    clock.closed = true
    expect(clock.armed.size).toBe(0)
    expect(() => clock.advance(10 * DAY_MS)).not.toThrow()
    await settleClipboard()
    expect(clock.firedAfterClose).toBe(0)
    expect(fake.requests).toBe(0)
    expect(errors).not.toHaveBeenCalled()
    await core.dispose()
  })

  it('a daily revalidation under way at close ends with the credential it was checking', async () => {
    const clock = new WatchedClock()
    const core = await makeCore({ unlocked: true, clock, env: { KEYBRIDGE_GITHUB_BASE_URL: fake.url } })
    for (const name of ['a', 'b', 'c']) core.ctx.credentials.create(apiToken('github', name), 'ui')
    const scheduler = providersOf(core.ctx)!.scheduler

    fake.hold = true
    clock.advance(DAY_MS)
    await vi.waitFor(() => expect(fake.requests).toBe(1), { timeout: 5_000, interval: 10 })
    const closing = core.close()
    clock.closed = true
    fake.release()
    await closing
    // The run was awaited by close: it did not outlive the database, and it did not fail.
    await expect(scheduler.running).resolves.toBeUndefined()
    expect(() => clock.advance(5 * DAY_MS)).not.toThrow()
    await new Promise((r) => setTimeout(r, 50))
    expect(fake.requests).toBe(1)
    expect(clock.firedAfterClose).toBe(0)
    expect(errors).not.toHaveBeenCalled()
    await core.dispose()
  })
})

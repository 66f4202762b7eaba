import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { makeCore, TEST_PASSWORD } from '../../helpers/core'
import { MemoryClipboard } from '../credentials/memory-clipboard'

const MIN = 60_000
const secret = { token: 'ghp_locktest_0123456789' }

async function desktopCore() {
  const clock = new ManualClock()
  const core = await makeCore({
    unlocked: true,
    clock,
    runtime: 'electron',
    clipboard: new MemoryClipboard(),
  })
  const c = core.ctx.credentials.create(
    {
      service: 'locktest',
      name: 'personal',
      account: null,
      fields: {},
      secrets: secret,
      status: 'active',
      lastValidatedAt: null,
      validationError: null,
      expiresAt: null,
      metadata: {},
    },
    'ui',
  )
  return { core, clock, id: c.id }
}

describe('lock and auto-lock', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  it('lock zeroes the key and makes every secret-touching call fail with VAULT_LOCKED; unlock restores', async () => {
    const { core, id } = await desktopCore()
    dispose = core.dispose
    const keyBuffer = core.ctx.keyring.require().key
    expect(keyBuffer.some((b) => b !== 0)).toBe(true)
    expect((await core.invoke('vault.lock', {})).ok).toBe(true)
    expect(keyBuffer.every((b) => b === 0)).toBe(true)
    expect(core.ctx.keyring.unlocked).toBe(false)

    for (const [channel, input] of [
      ['credentials.reveal', { id, field: 'token' }],
      ['credentials.copy', { id, field: 'token' }],
      ['credentials.delete', { id }],
      ['credentials.setPrimary', { id }],
      ['vault.rotateKey', { password: TEST_PASSWORD }],
      ['vault.setPassword', { current: TEST_PASSWORD, next: 'another long password' }],
    ] as const) {
      const res = await core.invoke(channel, input)
      expect(res, channel).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } })
    }
    expect(() => core.ctx.credentials.readSecrets(id, { actor: 'bridge', action: 'used' })).toThrow(
      expect.objectContaining({ code: 'VAULT_LOCKED' }),
    )
    expect(() => core.ctx.credentials.update(id, { secrets: { token: 'x' } }, 'ui')).toThrow(
      expect.objectContaining({ code: 'VAULT_LOCKED' }),
    )
    // Metadata stays readable while locked.
    expect((await core.invoke('credentials.list', {})).ok).toBe(true)

    const un = await core.invoke('vault.unlock', { password: TEST_PASSWORD })
    expect(un).toMatchObject({ ok: true, data: { locked: false } })
    expect(await core.invoke('credentials.reveal', { id, field: 'token' })).toMatchObject({
      ok: true,
      data: { value: secret.token },
    })
  })

  it('auto-locks after the idle minutes; UI calls postpone it; status polling does not', async () => {
    const { core, clock } = await desktopCore()
    dispose = core.dispose
    const events: boolean[] = []
    core.ctx.events.subscribe((name, p) => {
      if (name === 'vault.changed') events.push((p as { locked: boolean }).locked)
    })
    expect(core.ctx.vault.autoLockMinutes()).toBe(15)
    clock.advance(14 * MIN)
    await core.invoke('credentials.list', {}) // activity at 14 min
    clock.advance(14 * MIN)
    expect(core.ctx.keyring.unlocked).toBe(true)
    await core.invoke('vault.status', {}) // polling is not activity
    clock.advance(1 * MIN + 1)
    expect(core.ctx.keyring.unlocked).toBe(false)
    expect(events).toContain(true)
    const audit = await core.invoke('audit.list', { action: 'locked' })
    expect(audit).toMatchObject({
      ok: true,
      data: { entries: [{ actor: 'system', detail: { reason: 'idle' } }] },
    })
  })

  it('applies a new auto-lock choice at once, and never means never', async () => {
    const { core, clock } = await desktopCore()
    dispose = core.dispose
    expect(await core.invoke('vault.setAutoLock', { minutes: 1 })).toMatchObject({
      ok: true,
      data: { autoLockMinutes: 1 },
    })
    clock.advance(MIN)
    expect(core.ctx.keyring.unlocked).toBe(false)
    await core.invoke('vault.unlock', { password: TEST_PASSWORD })
    await core.invoke('vault.setAutoLock', { minutes: null })
    clock.advance(23 * 60 * MIN) // under a day: other features' daily jobs stay quiet
    expect(core.ctx.keyring.unlocked).toBe(true)
    expect((await core.invoke('vault.setAutoLock', { minutes: 7 })).ok).toBe(false)
    for (const m of [5, 15, 30, 60, 240]) {
      expect((await core.invoke('vault.setAutoLock', { minutes: m })).ok).toBe(true)
    }
  })

  it('the desktop shell can lock on suspend / screen lock', async () => {
    const { core } = await desktopCore()
    dispose = core.dispose
    core.ctx.vault.lock('system', 'suspend')
    expect(core.ctx.keyring.unlocked).toBe(false)
    const audit = await core.invoke('audit.list', { action: 'locked' })
    expect(audit).toMatchObject({ ok: true, data: { entries: [{ detail: { reason: 'suspend' } }] } })
  })

  it('headless cores (runtime node) do not auto-lock: nobody could unlock them', async () => {
    const clock = new ManualClock()
    const core = await makeCore({ unlocked: true, clock })
    dispose = core.dispose
    clock.advance(500 * MIN)
    expect(core.ctx.keyring.unlocked).toBe(true)
  })
})

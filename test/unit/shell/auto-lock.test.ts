import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { IDLE_POLL_MS, wireAutoLock } from '../../../electron/main/auto-lock'
import { ManualClock } from '../../../electron/core/clock'
import { makeCore, TEST_PASSWORD } from '../../helpers/core'

/** Stands in for Electron's powerMonitor: events plus the system idle time. */
class FakePower extends EventEmitter {
  idle = 0
  getSystemIdleTime() {
    return this.idle
  }
}

describe('auto-lock wired to power events (real vault)', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  async function setup() {
    const clock = new ManualClock()
    // The desktop runtime: the core's own UI-inactivity timer runs too.
    const core = await makeCore({ unlocked: true, clock, runtime: 'electron' })
    const power = new FakePower()
    const focus = { value: false }
    const unwire = wireAutoLock(power, core.ctx.vault, clock, () => focus.value)
    dispose = async () => {
      unwire()
      await core.dispose()
    }
    const relock = () => core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    const lastLock = () =>
      core.ctx.db
        .prepare("SELECT actor, detail FROM audit_log WHERE action = 'locked' ORDER BY id DESC LIMIT 1")
        .get() as { actor: string; detail: string } | undefined
    return { core, power, clock, relock, lastLock, unwire, focus }
  }

  it('locks at once on suspend and on screen lock, audited as the system', async () => {
    const { core, power, relock, lastLock } = await setup()
    power.emit('suspend')
    expect(core.ctx.vault.status().locked).toBe(true)
    expect(lastLock()).toMatchObject({ actor: 'system' })
    expect(JSON.parse(lastLock()!.detail)).toEqual({ reason: 'suspend' })
    await relock()
    power.emit('lock-screen')
    expect(core.ctx.vault.status().locked).toBe(true)
    expect(JSON.parse(lastLock()!.detail)).toEqual({ reason: 'screen-lock' })
  })

  it('locks once the system has been idle for the configured minutes, and never when set to never', async () => {
    const { core, power, clock, relock, lastLock, focus } = await setup()
    expect(core.ctx.vault.autoLockMinutes()).toBe(15)
    focus.value = true // even with the window focused: no input is no input
    power.idle = 14 * 60
    clock.advance(IDLE_POLL_MS * 3)
    expect(core.ctx.vault.status().locked).toBe(false)
    power.idle = 15 * 60
    clock.advance(IDLE_POLL_MS)
    expect(core.ctx.vault.status().locked).toBe(true)
    expect(JSON.parse(lastLock()!.detail)).toEqual({ reason: 'idle' })

    await relock()
    await core.ctx.vault.setAutoLock(null, 'ui')
    power.idle = 10 * 24 * 3600
    clock.advance(60 * 60_000)
    expect(core.ctx.vault.status().locked).toBe(false)
  })

  it('input in the focused Keybridge window postpones the core auto-lock; input elsewhere does not', async () => {
    const { core, power, clock, relock, focus } = await setup()
    power.idle = 1 // the user is typing
    focus.value = true
    clock.advance(40 * 60_000)
    expect(core.ctx.vault.status().locked).toBe(false)

    // Busy in another app, Keybridge untouched: the core's own 15-minute timer locks it.
    focus.value = false
    clock.advance(16 * 60_000)
    expect(core.ctx.vault.status().locked).toBe(true)
    await relock()
  })

  it('stops listening once unwired', async () => {
    const { core, power, clock, unwire } = await setup()
    unwire()
    power.emit('suspend')
    power.idle = 10_000_000
    clock.advance(IDLE_POLL_MS * 4)
    expect(core.ctx.vault.status().locked).toBe(false)
    expect(power.listenerCount('suspend')).toBe(0)
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { channels } from '../../../shared/ipc'
import { makeCore } from '../../helpers/core'

describe('IPC dispatch', () => {
  let dispose: () => Promise<void> = async () => {}
  afterEach(() => dispose())

  it('registers a handler for exactly the channels of the contract', async () => {
    const core = await makeCore()
    dispose = core.dispose
    expect(Object.keys(core.handlers).sort()).toEqual(Object.keys(channels).sort())
  })

  it('refuses unknown channels and bad input with typed errors that echo no value', async () => {
    const core = await makeCore()
    dispose = core.dispose
    expect(await core.invoke('no.such.channel', {})).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) },
    })
    expect(await core.invoke('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL' },
    })
    const bad = await core.invoke('vault.create', {
      mode: 'password',
      password: 'hunter2-SECRET-VALUE',
      autoLockMinutes: 7,
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(JSON.stringify(bad)).not.toContain('hunter2-SECRET-VALUE')
    expect(JSON.stringify(bad)).toContain('autoLockMinutes')
  })

  it('answers app.info from the core', async () => {
    const core = await makeCore()
    dispose = core.dispose
    const res = await core.invoke('app.info', undefined)
    expect(res).toMatchObject({
      ok: true,
      data: { name: 'Keybridge', dataDir: core.dataDir, runtime: 'node' },
    })
  })

  it('turns an unexpected exception into INTERNAL without its message', async () => {
    const core = await makeCore()
    dispose = core.dispose
    ;(core.handlers as unknown as Record<string, () => never>)['vault.status'] = () => {
      throw new Error('/home/user/secret-path exploded')
    }
    const res = await core.invoke('vault.status', undefined)
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(JSON.stringify(res)).not.toContain('secret-path')
  })
})

import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileKeychain } from '../../../electron/core/vault/file-keychain'
import { DEFAULT_ARGON2 } from '../../../electron/core/vault/key-protector'
import type { OsKeyProtector } from '../../../electron/core/vault/key-protector'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'

const NEW_PASSWORD = 'a brand new master password'
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function core(opts: Parameters<typeof makeCore>[0] = {}) {
  const c = await makeCore(opts)
  cleanups.push(c.dispose)
  return c
}

/** Reopen the same data dir, as a new launch of the app (or headless with osProtector undefined). */
async function relaunch(dataDir: string, osProtector: OsKeyProtector | undefined | 'file') {
  const c = await makeCore({
    dataDir,
    osProtector: osProtector === 'file' ? new FileKeychain(join(dataDir, 'test-keychain.bin')) : osProtector,
  })
  cleanups.push(() => c.close())
  return c
}

describe('keyslots', () => {
  it('keychain mode opens with the keychain, and refuses headless with a clear error', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const a = await relaunch(t.dir, 'file')
    expect(await a.invoke('vault.create', { mode: 'keychain' })).toMatchObject({
      ok: true,
      data: { protectors: ['os'], hasPassword: false, locked: false },
    })
    await a.invoke('vault.lock', {})
    // keychain only: the keychain unlocks after a lock as well.
    expect(await a.invoke('vault.unlock', {})).toMatchObject({ ok: true, data: { locked: false } })
    await a.close()
    const headless = await relaunch(t.dir, undefined)
    const res = await headless.invoke('vault.unlock', {})
    expect(res).toMatchObject({ ok: false, error: { code: 'PROTECTOR_UNAVAILABLE' } })
    expect((res as { error: { message: string } }).error.message).toMatch(/only with the OS keychain/)
    expect(await headless.invoke('vault.unlock', { password: 'whatever it is' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
  })

  it('keychain+password: keychain at launch, master password after a lock', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const a = await relaunch(t.dir, 'file')
    await a.invoke('vault.create', { mode: 'keychain+password', password: TEST_PASSWORD })
    await a.close()
    const b = await relaunch(t.dir, 'file')
    expect(b.ctx.vault.status()).toMatchObject({ locked: true, passwordRequired: false })
    expect(await b.invoke('vault.unlock', {})).toMatchObject({ ok: true, data: { locked: false } })
    await b.invoke('vault.lock', {})
    expect(b.ctx.vault.status().passwordRequired).toBe(true)
    expect(await b.invoke('vault.unlock', {})).toMatchObject({ ok: false, error: { code: 'BAD_PASSWORD' } })
    expect(await b.invoke('vault.unlock', { password: 'not the password' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    expect(await b.invoke('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({ ok: true })
    // Headless, the same vault opens with its password.
    await b.close()
    const headless = await relaunch(t.dir, undefined)
    expect(headless.ctx.vault.status().passwordRequired).toBe(true)
    // Why no keychain: the sentence for the CLI, a code for the UI's language.
    expect(headless.ctx.vault.status().osKeychain).toMatchObject({ available: false, reasonCode: 'headless' })
    expect(await headless.invoke('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({ ok: true })
  })

  it('password mode works without any keychain; keychain modes are refused there', async () => {
    const c = await core({ osProtector: undefined })
    expect(await c.invoke('vault.create', { mode: 'keychain' })).toMatchObject({
      ok: false,
      error: { code: 'PROTECTOR_UNAVAILABLE' },
    })
    expect(await c.invoke('vault.create', { mode: 'password', password: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD' },
    })
    expect(await c.invoke('vault.create', { mode: 'password', password: TEST_PASSWORD })).toMatchObject({
      ok: true,
      data: { protectors: ['password'], passwordRequired: true },
    })
  })

  it('wrong passwords are BAD_PASSWORD, never a crash, and audited as denied', async () => {
    const c = await core({ unlocked: true })
    await c.invoke('vault.lock', {})
    for (const pw of ['x', TEST_PASSWORD + ' ', '🔑'.repeat(200), '\u0000\u0000', 'é'.repeat(1024)]) {
      expect(await c.invoke('vault.unlock', { password: pw })).toMatchObject({
        ok: false,
        error: { code: 'BAD_PASSWORD' },
      })
    }
    const denied = await c.invoke('audit.list', { outcome: 'denied' })
    expect(denied).toMatchObject({ ok: true, data: { total: 5 } })
    expect(JSON.stringify(denied)).not.toContain(TEST_PASSWORD)
  })

  it('changes the master password: current required and checked, old one stops working', async () => {
    const c = await core({ unlocked: true })
    expect(await c.invoke('vault.setPassword', { next: NEW_PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    expect(await c.invoke('vault.setPassword', { current: 'wrong one!', next: NEW_PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    expect(await c.invoke('vault.setPassword', { current: TEST_PASSWORD, next: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD' },
    })
    expect(await c.invoke('vault.setPassword', { current: TEST_PASSWORD, next: NEW_PASSWORD })).toMatchObject(
      {
        ok: true,
      },
    )
    await c.invoke('vault.lock', {})
    expect(await c.invoke('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    expect(await c.invoke('vault.unlock', { password: NEW_PASSWORD })).toMatchObject({ ok: true })
  })

  it('removes the password only when the keychain also protects the vault; adds and removes the keychain', async () => {
    const c = await core({ unlocked: true })
    expect(await c.invoke('vault.removeKeychain', {})).toMatchObject({
      ok: true,
      data: { protectors: ['password'] },
    })
    // Now the password is the only slot: it cannot go.
    expect(await c.invoke('vault.removePassword', { current: TEST_PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await c.invoke('vault.addKeychain', {})).toMatchObject({
      ok: true,
      data: { protectors: ['os', 'password'] },
    })
    expect(await c.invoke('vault.addKeychain', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(await c.invoke('vault.removePassword', { current: 'wrong one!' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    expect(await c.invoke('vault.removePassword', { current: TEST_PASSWORD })).toMatchObject({
      ok: true,
      data: { protectors: ['os'], hasPassword: false },
    })
    expect(await c.invoke('vault.removeKeychain', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    // Keychain-only: unlock after lock uses the keychain; a password can be added back.
    await c.invoke('vault.lock', {})
    expect(await c.invoke('vault.unlock', {})).toMatchObject({ ok: true })
    expect(await c.invoke('vault.setPassword', { next: NEW_PASSWORD })).toMatchObject({
      ok: true,
      data: { protectors: ['os', 'password'] },
    })
    const actions = c.ctx.vault.slots().map((s) => s.kind)
    expect(actions).toEqual(['os', 'password'])
  })

  it('stores the Argon2id parameters with the slot; the default is m=64 MiB, t=3, p=4', async () => {
    const c = await core({ kdf: DEFAULT_ARGON2, osProtector: undefined })
    await c.invoke('vault.create', { mode: 'password', password: TEST_PASSWORD })
    const params = JSON.parse(c.ctx.vault.slots()[0].params)
    expect(params).toMatchObject({ algorithm: 'argon2id', memoryCost: 65536, timeCost: 3, parallelism: 4 })
    expect(Buffer.from(params.salt, 'base64')).toHaveLength(16)
    await c.invoke('vault.lock', {})
    expect(await c.invoke('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({ ok: true })
  })
})

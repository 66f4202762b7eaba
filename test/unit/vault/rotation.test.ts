import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { VAULT_FILE } from '../../../electron/core/app'
import { sealedKeyVersion } from '../../../electron/core/vault/crypto'
import { makeCore, TEST_PASSWORD } from '../../helpers/core'
import { credential, fill } from './fixtures'

describe('key rotation', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  async function filled(n: number) {
    const core = await makeCore({ unlocked: true })
    dispose = core.dispose
    return { core, secrets: fill(core, n) }
  }

  const blobs = (dir: string) => {
    const db = new Database(join(dir, VAULT_FILE), { readonly: true })
    try {
      return db.prepare('SELECT id, secrets FROM credentials').all() as { id: string; secrets: Buffer }[]
    } finally {
      db.close()
    }
  }

  it('re-seals every secret under a new key, re-wraps every slot, bumps key_version', async () => {
    const { core, secrets } = await filled(50)
    const before = blobs(core.dataDir)
    const slotsBefore = core.ctx.vault.slots()
    const progress: number[] = []
    core.ctx.events.subscribe((name, p) => {
      if (name === 'vault.rotateProgress') progress.push((p as { done: number }).done)
    })
    expect(await core.invoke('vault.rotateKey', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    expect(await core.invoke('vault.rotateKey', { password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PASSWORD' },
    })
    const res = await core.invoke('vault.rotateKey', { password: TEST_PASSWORD })
    expect(res).toMatchObject({ ok: true, data: { keyVersion: 2, resealed: 50 } })
    expect(progress.at(-1)).toBe(50)
    const after = blobs(core.dataDir)
    for (const b of after) {
      expect(sealedKeyVersion(b.secrets)).toBe(2)
      expect(before.find((x) => x.id === b.id)!.secrets.equals(b.secrets)).toBe(false)
    }
    for (const s of core.ctx.vault.slots()) {
      expect(slotsBefore.find((x) => x.kind === s.kind)!.wrapped.equals(s.wrapped)).toBe(false)
    }
    for (const [id, s] of secrets) expect(core.ctx.credentials.openSecrets(id)).toEqual(s)
    // Both slots open the new key after a relaunch.
    await core.close()
    for (const unlock of [{}, { password: TEST_PASSWORD }]) {
      const again = await makeCore({ dataDir: core.dataDir })
      expect(await again.invoke('vault.unlock', unlock)).toMatchObject({ ok: true })
      for (const [id, s] of secrets) expect(again.ctx.credentials.openSecrets(id)).toEqual(s)
      expect(again.ctx.vault.keyVersion()).toBe(2)
      await again.close()
    }
    const audit = await makeCore({ dataDir: core.dataDir })
    dispose = audit.dispose
    expect(await audit.invoke('audit.list', { action: 'key_rotated' })).toMatchObject({
      ok: true,
      data: { entries: [{ outcome: 'ok', detail: { keyVersion: 2, resealed: 50 } }, { outcome: 'denied' }] },
    })
  })

  it('a failure inside the rotation transaction leaves everything under the old key', async () => {
    const { core, secrets } = await filled(600)
    const before = blobs(core.dataDir)
    const slotsBefore = core.ctx.vault.slots()
    await expect(
      core.ctx.vault.rotateKey({ password: TEST_PASSWORD }, 'ui', (done) => {
        if (done >= 500) throw new Error('simulated crash mid-rotation')
      }),
    ).rejects.toThrow(/simulated/)
    expect(core.ctx.vault.keyVersion()).toBe(1)
    expect(blobs(core.dataDir)).toEqual(before)
    expect(core.ctx.vault.slots()).toEqual(slotsBefore)
    for (const [id, s] of secrets) expect(core.ctx.credentials.openSecrets(id)).toEqual(s)
    await core.invoke('vault.lock', {})
    await core.invoke('vault.unlock', { password: TEST_PASSWORD })
    for (const [id, s] of secrets) expect(core.ctx.credentials.openSecrets(id)).toEqual(s)
    // And a later rotation succeeds.
    expect(await core.invoke('vault.rotateKey', { password: TEST_PASSWORD })).toMatchObject({
      ok: true,
      data: { keyVersion: 2, resealed: 600 },
    })
  })

  it('a keychain-only vault rotates without a password', async () => {
    const core = await makeCore()
    dispose = core.dispose
    await core.invoke('vault.create', { mode: 'keychain' })
    const c = core.ctx.credentials.create(credential(), 'ui')
    const s = core.ctx.credentials.openSecrets(c.id)
    expect(await core.invoke('vault.rotateKey', {})).toMatchObject({ ok: true, data: { keyVersion: 2 } })
    await core.invoke('vault.lock', {})
    await core.invoke('vault.unlock', {})
    expect(core.ctx.credentials.openSecrets(c.id)).toEqual(s)
  })

  it('a core that still holds the old key (another process rotated) refuses to seal and asks to unlock', async () => {
    const { core, secrets } = await filled(3)
    const other = await makeCore({ dataDir: core.dataDir })
    await other.invoke('vault.unlock', { password: TEST_PASSWORD })
    expect(await other.invoke('vault.rotateKey', { password: TEST_PASSWORD })).toMatchObject({ ok: true })
    await other.close()
    const [id] = [...secrets.keys()]
    expect(() => core.ctx.credentials.openSecrets(id)).toThrow(
      expect.objectContaining({ code: 'VAULT_LOCKED' }),
    )
    expect(core.ctx.keyring.unlocked).toBe(false)
    await core.invoke('vault.unlock', { password: TEST_PASSWORD })
    expect(() => core.ctx.credentials.create(credential({ name: 'new one' }), 'ui')).not.toThrow()
    for (const [i, s] of secrets) expect(core.ctx.credentials.openSecrets(i)).toEqual(s)
  })
})

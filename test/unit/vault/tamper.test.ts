import { afterEach, describe, expect, it } from 'vitest'
import { toErrorShape } from '../../../shared/errors'
import { makeCore } from '../../helpers/core'
import { fill } from './fixtures'

/** Edits the vault file behind the core's back, as an attacker with file access would. */
describe('tamper detection', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  async function setup() {
    const core = await makeCore({ unlocked: true })
    dispose = core.dispose
    const secrets = fill(core, 5)
    const ids = [...secrets.keys()]
    const blob = (id: string) =>
      (core.ctx.db.prepare('SELECT secrets FROM credentials WHERE id = ?').get(id) as { secrets: Buffer })
        .secrets
    const write = (id: string, b: Buffer) =>
      core.ctx.db.prepare('UPDATE credentials SET secrets = ? WHERE id = ?').run(b, id)
    // Every consumer checks the row MAC first (it covers the sealed blob too): ROW_TAMPERED. Under it,
    // the AES-GCM layer on its own (openSecrets) still refuses the blob with SECRET_TAMPERED.
    const reveal = async (id: string) => {
      const consumer = await core.invoke('credentials.reveal', { id, field: 'token' })
      try {
        const value = core.ctx.credentials.openSecrets(id).token
        expect(consumer).toMatchObject({ ok: true, data: { value } })
        return { ok: true, data: { value } }
      } catch (e) {
        expect(consumer).toMatchObject({ ok: false, error: { code: 'ROW_TAMPERED' } })
        return { ok: false, error: toErrorShape(e) }
      }
    }
    const expectIntact = async (except: string[]) => {
      for (const id of ids.filter((i) => !except.includes(i))) {
        expect(await reveal(id)).toMatchObject({ ok: true, data: { value: secrets.get(id)!.token } })
      }
    }
    return { core, ids, blob, write, reveal, expectIntact }
  }

  it('a flipped ciphertext byte is SECRET_TAMPERED; other rows still open', async () => {
    const { ids, blob, write, reveal, expectIntact } = await setup()
    for (const offset of [-1, 20, 40]) {
      const b = Buffer.from(blob(ids[0]))
      const original = Buffer.from(b)
      b[(offset + b.length) % b.length] ^= 0x01
      write(ids[0], b)
      const res = await reveal(ids[0])
      expect(res).toMatchObject({ ok: false, error: { code: 'SECRET_TAMPERED' } })
      expect((res as { error: { message: string } }).error.message).toMatch(
        /credentials\.secrets of .*altered or moved/,
      )
      write(ids[0], original)
    }
    await expectIntact([])
  })

  it('two rows with swapped ciphertexts both fail; the rest still open', async () => {
    const { ids, blob, write, reveal, expectIntact } = await setup()
    const a = blob(ids[1])
    const b = blob(ids[2])
    write(ids[1], b)
    write(ids[2], a)
    for (const id of [ids[1], ids[2]]) {
      expect(await reveal(id)).toMatchObject({ ok: false, error: { code: 'SECRET_TAMPERED' } })
    }
    await expectIntact([ids[1], ids[2]])
  })

  it('a changed key_version (in the blob or the vault) is detected clearly', async () => {
    const { core, ids, blob, write, reveal, expectIntact } = await setup()
    const b = Buffer.from(blob(ids[3]))
    b.writeUInt32BE(7, 1)
    write(ids[3], b)
    const res = await reveal(ids[3])
    expect(res).toMatchObject({ ok: false, error: { code: 'SECRET_TAMPERED' } })
    expect((res as { error: { message: string } }).error.message).toMatch(/key version 7/)
    await expectIntact([ids[3]])
    // The vault's key_version changed too, and the blob's header forged to match: the AAD differs, GCM fails.
    core.ctx.db.prepare("UPDATE vault_meta SET value = '2' WHERE key = 'key_version'").run()
    await core.invoke('vault.lock', {})
    await core.invoke('vault.unlock', { password: 'correct horse battery staple' })
    const forged = Buffer.from(blob(ids[4]))
    forged.writeUInt32BE(2, 1)
    write(ids[4], forged)
    expect(await reveal(ids[4])).toMatchObject({ ok: false, error: { code: 'SECRET_TAMPERED' } })
  })

  it('a rotation refuses to drop a tampered secret and changes nothing', async () => {
    const { core, ids, blob, write } = await setup()
    const b = Buffer.from(blob(ids[0]))
    b[b.length - 1] ^= 0xff
    write(ids[0], b)
    const res = await core.invoke('vault.rotateKey', { password: 'correct horse battery staple' })
    expect(res).toMatchObject({ ok: false, error: { code: 'SECRET_TAMPERED' } })
    expect(core.ctx.vault.keyVersion()).toBe(1)
  })
})

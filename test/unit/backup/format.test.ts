import { describe, expect, it } from 'vitest'
import {
  FORMAT_VERSION,
  newHeader,
  openContainer,
  parseContainer,
  sealContainer,
} from '../../../electron/core/backup/format'
import {
  checkKdfParams,
  DEFAULT_BACKUP_KDF,
  deriveMaster,
  keyCheck,
  keyCheckMatches,
  newBackupKdf,
  splitKeys,
  validatePassphrase,
} from '../../../electron/core/backup/kdf'
import { TEST_KDF } from '../../helpers/core'

async function keysFor(passphrase: string, kdf = newBackupKdf(TEST_KDF)) {
  return { kdf, keys: splitKeys(await deriveMaster(passphrase, kdf), kdf.salt) }
}

describe('backup container and KDF', () => {
  it('defaults to at least Bitwarden’s Argon2id cost (m = 64 MiB, t = 3, p = 4) with a random 16-byte salt', () => {
    expect(DEFAULT_BACKUP_KDF.memoryCost).toBeGreaterThanOrEqual(65536)
    expect(DEFAULT_BACKUP_KDF.timeCost).toBeGreaterThanOrEqual(3)
    expect(DEFAULT_BACKUP_KDF.parallelism).toBeGreaterThanOrEqual(4)
    const a = newBackupKdf()
    const b = newBackupKdf()
    expect(a.salt).toHaveLength(16)
    expect(a.salt.equals(b.salt)).toBe(false)
    expect(checkKdfParams({ ...DEFAULT_BACKUP_KDF, saltBytes: 16 })).toBeNull()
  })

  it('refuses passphrases shorter than 12 characters (counted as characters, not bytes)', () => {
    expect(() => validatePassphrase('elevenchars')).toThrow(/at least 12 characters/)
    expect(() => validatePassphrase('twelve chars')).not.toThrow()
    expect(() => validatePassphrase('ééééééééééé')).toThrow() // 11 characters, 22 bytes
    expect(() => validatePassphrase('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑')).not.toThrow()
  })

  it('refuses KDF parameters a hostile file could use to exhaust memory or time', () => {
    expect(
      checkKdfParams({ memoryCost: 4 * 1024 * 1024, timeCost: 3, parallelism: 4, saltBytes: 16 }),
    ).toMatch(/memory/)
    expect(checkKdfParams({ memoryCost: 65536, timeCost: 1000, parallelism: 4, saltBytes: 16 })).toMatch(
      /iterations/,
    )
    expect(checkKdfParams({ memoryCost: 65536, timeCost: 3, parallelism: 0, saltBytes: 16 })).toMatch(
      /parallelism/,
    )
    expect(checkKdfParams({ memoryCost: 65536, timeCost: 3, parallelism: 4, saltBytes: 4 })).toMatch(/salt/)
  })

  it('normalises the passphrase (NFC) so the same characters give the same key everywhere', async () => {
    const kdf = newBackupKdf(TEST_KDF)
    const composed = await deriveMaster('caf\u00e9 au lait, s’il vous plaît', kdf)
    const decomposed = await deriveMaster('cafe\u0301 au lait, s’il vous plaît', kdf)
    expect(composed.equals(decomposed)).toBe(true)
  })

  it('seals and opens; the key check tells a wrong passphrase from damage', async () => {
    const { kdf, keys } = await keysFor('correct passphrase here')
    const header = newHeader({
      kdf,
      keyCheck: keyCheck(keys),
      createdAt: 0,
      app: 'Keybridge test',
      compression: 'none',
    })
    const file = sealContainer(header, keys, Buffer.from('payload'))
    const c = parseContainer(file)
    expect(c.header.version).toBe(FORMAT_VERSION)
    expect(c.header.kdf).toMatchObject({ algorithm: 'argon2id', memoryKiB: TEST_KDF.memoryCost })
    expect(openContainer(c, keys)?.toString()).toBe('payload')
    const wrong = await keysFor('wrong passphrase here', c.kdf)
    expect(keyCheckMatches(wrong.keys, Buffer.from(c.header.keyCheck, 'base64'))).toBe(false)
    expect(keyCheckMatches(keys, Buffer.from(c.header.keyCheck, 'base64'))).toBe(true)
    expect(openContainer(c, wrong.keys)).toBeNull()
  })

  it('uses a fresh IV for every file even under the same key', async () => {
    const { kdf, keys } = await keysFor('correct passphrase here')
    const h1 = newHeader({ kdf, keyCheck: keyCheck(keys), createdAt: 0, app: 'x', compression: 'none' })
    const h2 = newHeader({ kdf, keyCheck: keyCheck(keys), createdAt: 0, app: 'x', compression: 'none' })
    expect(h1.cipher.iv).not.toBe(h2.cipher.iv)
  })
})

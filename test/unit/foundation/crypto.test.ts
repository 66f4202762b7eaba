import { describe, expect, it } from 'vitest'
import { open, randomKey, seal } from '../../../electron/core/vault/crypto'

describe('field sealing', () => {
  const key = randomKey()
  const loc = { table: 'credentials', rowId: 'a', field: 'token' }

  it('round-trips and uses a fresh IV each time', () => {
    const a = seal(key, 1, loc, 'ghp_secret')
    const b = seal(key, 1, loc, 'ghp_secret')
    expect(a.equals(b)).toBe(false)
    expect(open(key, 1, loc, a).toString()).toBe('ghp_secret')
  })

  it('refuses a ciphertext moved to another row, field or key version', () => {
    const blob = seal(key, 1, loc, 'ghp_secret')
    expect(() => open(key, 1, { ...loc, rowId: 'b' }, blob)).toThrow(/altered or moved/)
    expect(() => open(key, 1, { ...loc, field: 'other' }, blob)).toThrow(/altered or moved/)
    expect(() => open(key, 2, loc, blob)).toThrow(/key version/)
    const flipped = Buffer.from(blob)
    flipped[flipped.length - 1] ^= 1
    expect(() => open(key, 1, loc, flipped)).toThrow(expect.objectContaining({ code: 'SECRET_TAMPERED' }))
  })
})

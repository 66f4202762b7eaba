import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/errors'

/** Where a sealed value lives. Bound into the AAD so a ciphertext moved elsewhere fails to open. */
export interface SealLocation {
  table: string
  rowId: string
  field: string
}

const FORMAT = 1
const HEADER = 1 + 4 + 12 // format byte, key version (u32 BE), IV
const TAG = 16

export function randomKey(): Buffer {
  return randomBytes(32)
}

function aad(loc: SealLocation, keyVersion: number): Buffer {
  return Buffer.from(
    `kb-seal-v${FORMAT}\u0000${loc.table}\u0000${loc.rowId}\u0000${loc.field}\u0000${keyVersion}`,
  )
}

/** AES-256-GCM, random 96-bit IV, 128-bit tag. Layout: format | keyVersion | IV | tag | ciphertext. */
export function seal(key: Buffer, keyVersion: number, loc: SealLocation, plaintext: Buffer | string): Buffer {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad(loc, keyVersion))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const head = Buffer.alloc(HEADER)
  head.writeUInt8(FORMAT, 0)
  head.writeUInt32BE(keyVersion, 1)
  iv.copy(head, 5)
  return Buffer.concat([head, cipher.getAuthTag(), body])
}

/** Key version recorded in a sealed blob (to detect blobs left from before a rotation). */
export function sealedKeyVersion(blob: Buffer): number {
  if (blob.length < HEADER + TAG || blob[0] !== FORMAT) return -1
  return blob.readUInt32BE(1)
}

export function open(key: Buffer, keyVersion: number, loc: SealLocation, blob: Buffer): Buffer {
  const where = `${loc.table}.${loc.field} of ${loc.rowId}`
  if (blob.length < HEADER + TAG || blob[0] !== FORMAT) {
    throw new AppError(
      'SECRET_TAMPERED',
      `A stored secret (${where}) is damaged: its format is not recognised.`,
    )
  }
  if (blob.readUInt32BE(1) !== keyVersion) {
    throw new AppError(
      'SECRET_TAMPERED',
      `A stored secret (${where}) was sealed under key version ${blob.readUInt32BE(1)}, not the vault's current ${keyVersion}.`,
    )
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(5, HEADER))
    decipher.setAAD(aad(loc, keyVersion))
    decipher.setAuthTag(blob.subarray(HEADER, HEADER + TAG))
    return Buffer.concat([decipher.update(blob.subarray(HEADER + TAG)), decipher.final()])
  } catch {
    throw new AppError(
      'SECRET_TAMPERED',
      `A stored secret (${where}) failed its integrity check: it was altered or moved from another record.`,
    )
  }
}

/** Plain AES-256-GCM wrap for key material (keyslots, backups): returns IV | tag | ciphertext. */
export function wrapBytes(kek: Buffer, plaintext: Buffer, associated: Buffer): Buffer {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', kek, iv)
  c.setAAD(associated)
  const body = Buffer.concat([c.update(plaintext), c.final()])
  return Buffer.concat([iv, c.getAuthTag(), body])
}

/** Returns null when the key or data is wrong (the caller decides which error that means). */
export function unwrapBytes(kek: Buffer, wrapped: Buffer, associated: Buffer): Buffer | null {
  if (wrapped.length < 28) return null
  try {
    const d = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12))
    d.setAAD(associated)
    d.setAuthTag(wrapped.subarray(12, 28))
    return Buffer.concat([d.update(wrapped.subarray(28)), d.final()])
  } catch {
    return null
  }
}

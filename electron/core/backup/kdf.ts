import { hashRaw } from '@node-rs/argon2'
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import { MIN_PASSPHRASE_LENGTH } from '../../../shared/ipc/backup'
import { DEFAULT_ARGON2, type Argon2Params } from '../vault/key-protector'

/** Bitwarden's Argon2id defaults (64 MiB, 3 passes, 4 lanes): the floor for a backup's default cost. */
export const DEFAULT_BACKUP_KDF: Argon2Params = { ...DEFAULT_ARGON2 }

/** What a file may ask for: enough to be real Argon2id, not so much that opening a file exhausts memory. */
export const KDF_LIMITS = {
  memoryKiB: { max: 1024 * 1024 },
  iterations: { min: 1, max: 64 },
  parallelism: { min: 1, max: 64 },
  saltBytes: { min: 16, max: 64 },
} as const

export interface BackupKdf extends Argon2Params {
  salt: Buffer
}

/** The two keys of one backup: the AES-256-GCM key and the key of the passphrase check. */
export interface BackupKeys {
  enc: Buffer
  check: Buffer
}

export function newBackupKdf(cost: Argon2Params = DEFAULT_BACKUP_KDF): BackupKdf {
  return { ...cost, salt: randomBytes(16) }
}

export function validatePassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `A backup passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`,
    )
  }
}

/** Refuses parameters outside KDF_LIMITS (a hostile file could otherwise ask for terabytes). */
export function checkKdfParams(p: Argon2Params & { saltBytes: number }): string | null {
  const L = KDF_LIMITS
  if (
    !Number.isInteger(p.parallelism) ||
    p.parallelism < L.parallelism.min ||
    p.parallelism > L.parallelism.max
  )
    return `parallelism ${p.parallelism} is outside ${L.parallelism.min}..${L.parallelism.max}`
  if (!Number.isInteger(p.timeCost) || p.timeCost < L.iterations.min || p.timeCost > L.iterations.max)
    return `iterations ${p.timeCost} is outside ${L.iterations.min}..${L.iterations.max}`
  if (!Number.isInteger(p.memoryCost) || p.memoryCost < 8 * p.parallelism || p.memoryCost > L.memoryKiB.max)
    return `memory ${p.memoryCost} KiB is outside ${8 * p.parallelism}..${L.memoryKiB.max}`
  if (p.saltBytes < L.saltBytes.min || p.saltBytes > L.saltBytes.max)
    return `a ${p.saltBytes}-byte salt is outside ${L.saltBytes.min}..${L.saltBytes.max}`
  return null
}

/**
 * Argon2id(passphrase) → 32-byte master secret. The passphrase is NFC-normalised so the same
 * characters typed on different systems give the same key.
 */
export async function deriveMaster(passphrase: string, kdf: BackupKdf): Promise<Buffer> {
  const out = await hashRaw(passphrase.normalize('NFC'), {
    algorithm: 2, // Argon2id (a const enum, not importable under isolatedModules)
    version: 1, // 0x13
    memoryCost: kdf.memoryCost,
    timeCost: kdf.timeCost,
    parallelism: kdf.parallelism,
    outputLen: 32,
    salt: kdf.salt,
  })
  return Buffer.from(out)
}

/** Separate keys for encryption and for the passphrase check (HKDF-SHA256, distinct labels). */
export function splitKeys(master: Buffer, salt: Buffer): BackupKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, salt, info, 32))
  return { enc: derive('keybridge-backup v1 encryption'), check: derive('keybridge-backup v1 check') }
}

const CHECK_LABEL = 'keybridge-backup v1 passphrase check'

/** 16 bytes stored in the header: tells a wrong passphrase apart from a damaged file. */
export function keyCheck(keys: BackupKeys): Buffer {
  return createHmac('sha256', keys.check).update(CHECK_LABEL).digest().subarray(0, 16)
}

export function keyCheckMatches(keys: BackupKeys, stored: Buffer): boolean {
  const mine = keyCheck(keys)
  return stored.length === mine.length && timingSafeEqual(mine, stored)
}

export function wipe(...buffers: (Buffer | undefined)[]): void {
  for (const b of buffers) b?.fill(0)
}

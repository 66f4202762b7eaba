import { hashRaw } from '@node-rs/argon2'
import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { KeychainIssue } from '../../../shared/ipc/vault'
import { unwrapBytes, wrapBytes } from './crypto'

/**
 * The OS keychain side of key protection. Implemented with Electron safeStorage in
 * electron/main (refusing the `basic_text` backend); tests use a file-backed stand-in.
 */
export interface OsKeyProtector {
  readonly label: string
  availability():
    { available: true } | { available: false; reason: string; code: KeychainIssue; backend?: string }
  wrap(key: Buffer): Promise<Buffer>
  unwrap(blob: Buffer): Promise<Buffer>
  /** Where the vault generation is kept outside the vault file (rollback detection), if anywhere. */
  readonly generation?: GenerationStore
}

/** The highest vault generation seen, per vault id, kept outside the vault file. */
export interface GenerationStore {
  read(vaultId: string): number | null
  write(vaultId: string, generation: number): void
}

export interface Argon2Params {
  memoryCost: number // KiB
  timeCost: number
  parallelism: number
}

/** Bitwarden's Argon2id defaults: 64 MiB, 3 iterations, 4 lanes. */
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 65536, timeCost: 3, parallelism: 4 }

export interface PasswordSlotParams extends Argon2Params {
  algorithm: 'argon2id'
  salt: string // base64
}

export async function deriveKey(password: string, params: PasswordSlotParams): Promise<Buffer> {
  const out = await hashRaw(password, {
    algorithm: 2, // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
    outputLen: 32,
    salt: Buffer.from(params.salt, 'base64'),
  })
  return Buffer.from(out)
}

const PASSWORD_AAD = Buffer.from('kb-keyslot-password-v1')

export function newPasswordParams(cost: Argon2Params = DEFAULT_ARGON2): PasswordSlotParams {
  return { algorithm: 'argon2id', ...cost, salt: randomBytes(16).toString('base64') }
}

export async function wrapWithPassword(
  vaultKey: Buffer,
  password: string,
  params: PasswordSlotParams,
): Promise<Buffer> {
  const kek = await deriveKey(password, params)
  try {
    return wrapBytes(kek, vaultKey, PASSWORD_AAD)
  } finally {
    kek.fill(0)
  }
}

export async function unwrapWithPassword(
  wrapped: Buffer,
  password: string,
  params: PasswordSlotParams,
): Promise<Buffer> {
  const kek = await deriveKey(password, params)
  try {
    const key = unwrapBytes(kek, wrapped, PASSWORD_AAD)
    if (!key) throw new AppError('BAD_PASSWORD', 'That master password is not correct.')
    return key
  } finally {
    kek.fill(0)
  }
}

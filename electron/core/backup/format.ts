import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { BackupHeaderInfo } from '../../../shared/ipc/backup'
import { checkKdfParams, type BackupKdf, type BackupKeys } from './kdf'

/**
 * The backup container (docs/BACKUP-FORMAT.md):
 *   magic "KBBACKUP" | u32 BE header length N | N bytes header (UTF-8 JSON) | ciphertext | 16-byte GCM tag
 *   | 32-byte SHA-256 of everything before it.
 * The AAD of AES-256-GCM is every byte before the ciphertext, so any change to the header fails.
 * The trailing digest only sorts accidental damage (truncation, a flipped bit) from a wrong
 * passphrase before paying for the KDF; it is not what protects the file.
 */
export const MAGIC = Buffer.from('KBBACKUP', 'ascii')
export const FORMAT_NAME = 'keybridge-backup'
export const FORMAT_VERSION = 1
const PREFIX = MAGIC.length + 4
const MAX_HEADER = 64 * 1024
const TAG = 16
const DIGEST = 32

const b64 = (min: number, max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => {
      const n = Buffer.from(s, 'base64').length
      return n >= min && n <= max
    })

/** Version 1 header. Unknown keys are refused: a header is small and every byte of it is authenticated. */
export const HeaderV1 = z
  .object({
    format: z.literal(FORMAT_NAME),
    version: z.literal(FORMAT_VERSION),
    createdAt: z.string().max(40),
    app: z.string().max(100),
    kdf: z
      .object({
        algorithm: z.literal('argon2id'),
        version: z.literal(19),
        memoryKiB: z.number().int(),
        iterations: z.number().int(),
        parallelism: z.number().int(),
        salt: b64(16, 64),
      })
      .strict(),
    keyCheck: b64(16, 16),
    cipher: z
      .object({ algorithm: z.literal('aes-256-gcm'), iv: b64(12, 12), tagBytes: z.literal(TAG) })
      .strict(),
    compression: z.enum(['deflate', 'none']),
  })
  .strict()
export type HeaderV1 = z.infer<typeof HeaderV1>

export interface ParsedContainer {
  header: HeaderV1
  /** Every byte before the ciphertext: the AAD. */
  aad: Buffer
  ciphertext: Buffer
  tag: Buffer
  kdf: BackupKdf
}

const invalid = (why: string) =>
  new AppError('BACKUP_INVALID', `This is not a usable Keybridge backup: ${why}.`)

export function headerInfo(h: HeaderV1): BackupHeaderInfo {
  return {
    format: h.format,
    version: h.version,
    createdAt: h.createdAt,
    app: h.app,
    kdf: {
      algorithm: 'argon2id',
      memoryKiB: h.kdf.memoryKiB,
      iterations: h.kdf.iterations,
      parallelism: h.kdf.parallelism,
    },
    cipher: 'aes-256-gcm',
    compression: h.compression,
  }
}

/** Builds the header for a new file; the IV is fresh for every file, even under a reused key. */
export function newHeader(o: {
  kdf: BackupKdf
  keyCheck: Buffer
  createdAt: number
  app: string
  compression: 'deflate' | 'none'
}): HeaderV1 {
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    createdAt: new Date(o.createdAt).toISOString(),
    app: o.app,
    kdf: {
      algorithm: 'argon2id',
      version: 19,
      memoryKiB: o.kdf.memoryCost,
      iterations: o.kdf.timeCost,
      parallelism: o.kdf.parallelism,
      salt: o.kdf.salt.toString('base64'),
    },
    keyCheck: o.keyCheck.toString('base64'),
    cipher: { algorithm: 'aes-256-gcm', iv: randomBytes(12).toString('base64'), tagBytes: TAG },
    compression: o.compression,
  }
}

/** Encrypts `payload` under `keys.enc` with the serialised header as AAD; returns the whole file. */
export function sealContainer(header: HeaderV1, keys: BackupKeys, payload: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(json.length)
  const aad = Buffer.concat([MAGIC, len, json])
  const cipher = createCipheriv('aes-256-gcm', keys.enc, Buffer.from(header.cipher.iv, 'base64'))
  cipher.setAAD(aad)
  const body = Buffer.concat([aad, cipher.update(payload), cipher.final(), cipher.getAuthTag()])
  return Buffer.concat([body, createHash('sha256').update(body).digest()])
}

/** Structure, digest and header checks: everything that needs no passphrase. */
export function parseContainer(file: Buffer): ParsedContainer {
  if (file.length < PREFIX || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw invalid('the file does not start with the Keybridge backup signature')
  }
  const n = file.readUInt32BE(MAGIC.length)
  if (n < 2 || n > MAX_HEADER) throw invalid('its header length is out of range')
  if (file.length < PREFIX + n + TAG + DIGEST) throw invalid('the file is truncated')
  const body = file.subarray(0, file.length - DIGEST)
  const digest = createHash('sha256').update(body).digest()
  if (!digest.equals(file.subarray(file.length - DIGEST))) {
    throw invalid('the file is damaged or truncated (its checksum does not match)')
  }
  let raw: unknown
  try {
    raw = JSON.parse(file.subarray(PREFIX, PREFIX + n).toString('utf8'))
  } catch {
    throw invalid('its header is not readable')
  }
  const head = raw as { format?: unknown; version?: unknown }
  if (typeof raw !== 'object' || raw === null || head.format !== FORMAT_NAME) {
    throw invalid('its header does not name the Keybridge backup format')
  }
  if (typeof head.version === 'number' && Number.isInteger(head.version) && head.version > FORMAT_VERSION) {
    throw new AppError(
      'VAULT_TOO_NEW',
      `This backup uses format version ${head.version}, written by a newer Keybridge; this build reads version ${FORMAT_VERSION}. Update Keybridge to import it.`,
    )
  }
  const parsed = HeaderV1.safeParse(raw)
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'header'
    throw invalid(`its header field "${where}" is not valid for format version ${FORMAT_VERSION}`)
  }
  const h = parsed.data
  const salt = Buffer.from(h.kdf.salt, 'base64')
  const kdf: BackupKdf = {
    memoryCost: h.kdf.memoryKiB,
    timeCost: h.kdf.iterations,
    parallelism: h.kdf.parallelism,
    salt,
  }
  const bad = checkKdfParams({ ...kdf, saltBytes: salt.length })
  if (bad) throw invalid(`its key-derivation parameters are refused (${bad})`)
  return {
    header: h,
    aad: file.subarray(0, PREFIX + n),
    ciphertext: body.subarray(PREFIX + n, body.length - TAG),
    tag: body.subarray(body.length - TAG),
    kdf,
  }
}

/** Returns null when authentication fails (a changed header, ciphertext or tag). */
export function openContainer(c: ParsedContainer, keys: BackupKeys): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', keys.enc, Buffer.from(c.header.cipher.iv, 'base64'))
    d.setAAD(c.aad)
    d.setAuthTag(c.tag)
    return Buffer.concat([d.update(c.ciphertext), d.final()])
  } catch {
    return null
  }
}

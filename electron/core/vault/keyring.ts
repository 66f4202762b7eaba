import { AppError } from '../../../shared/errors'
import { createHmac, hkdfSync } from 'node:crypto'
import { open, seal, sealedKeyVersion, type SealLocation } from './crypto'

export type LockListener = (unlocked: boolean) => void

/**
 * Holds the vault key while the vault is unlocked, and nowhere else. Every secret read or write
 * goes through `seal`/`open` here, so "locked" reliably means "no secret can be touched".
 */
export class Keyring {
  private key: Buffer | null = null
  /** HKDF subkey of the vault key for row MACs (see row-mac.ts); lives and dies with the key. */
  private macKey: Buffer | null = null
  private version = 0
  private listeners = new Set<LockListener>()
  /** Reads the vault's key version from disk, to notice a rotation done by another process. */
  private storedVersion: (() => number) | null = null

  get unlocked(): boolean {
    return this.key !== null
  }
  get keyVersion(): number {
    this.require()
    return this.version
  }

  unlock(key: Buffer, version: number): void {
    if (this.key) this.key.fill(0)
    if (this.macKey) this.macKey.fill(0)
    this.key = Buffer.from(key)
    this.macKey = deriveMacKey(this.key, version)
    this.version = version
    this.notify()
  }

  /** Zeroes the key buffer; the seal/open helpers only ever borrow it. */
  lock(): void {
    if (!this.key) return
    this.key.fill(0)
    this.key = null
    this.macKey?.fill(0)
    this.macKey = null
    this.notify()
  }

  onChange(listener: LockListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  setStoredVersion(read: () => number): void {
    this.storedVersion = read
  }

  require(): { key: Buffer; version: number } {
    if (!this.key) throw new AppError('VAULT_LOCKED', 'The vault is locked. Unlock it to use stored secrets.')
    return { key: this.key, version: this.version }
  }

  /** HMAC-SHA256 under the row-MAC subkey of the current vault key. */
  mac(data: Buffer | string): Buffer {
    this.require()
    return createHmac('sha256', this.macKey!).update(data).digest()
  }

  /** Seal under the current key. Refuses (and locks) if another process rotated the key meanwhile. */
  seal(loc: SealLocation, plaintext: string | Buffer): Buffer {
    const { key, version } = this.require()
    if (this.storedVersion && this.storedVersion() !== version) this.rotatedElsewhere()
    return seal(key, version, loc, plaintext)
  }

  open(loc: SealLocation, blob: Buffer): Buffer {
    const { key, version } = this.require()
    if (sealedKeyVersion(blob) > version && this.storedVersion && this.storedVersion() > version) {
      this.rotatedElsewhere()
    }
    return open(key, version, loc, blob)
  }

  openString(loc: SealLocation, blob: Buffer): string {
    return this.open(loc, blob).toString('utf8')
  }

  private rotatedElsewhere(): never {
    this.lock()
    throw new AppError(
      'VAULT_LOCKED',
      'The vault key was rotated by another Keybridge process. Unlock the vault again.',
    )
  }

  private notify(): void {
    for (const l of this.listeners) l(this.unlocked)
  }
}

/** The row-MAC key: HKDF-SHA256 of the vault key, bound to its key version (rotation changes it). */
export function deriveMacKey(vaultKey: Buffer, keyVersion: number): Buffer {
  return Buffer.from(hkdfSync('sha256', vaultKey, Buffer.alloc(0), `keybridge row mac v1 ${keyVersion}`, 32))
}

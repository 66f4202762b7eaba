import { AppError } from '../../../shared/errors'
import { open, seal, type SealLocation } from './crypto'

export type LockListener = (unlocked: boolean) => void

/**
 * Holds the vault key while the vault is unlocked, and nowhere else. Every secret read or write
 * goes through `seal`/`open` here, so "locked" reliably means "no secret can be touched".
 */
export class Keyring {
  private key: Buffer | null = null
  private version = 0
  private listeners = new Set<LockListener>()

  get unlocked(): boolean {
    return this.key !== null
  }
  get keyVersion(): number {
    this.require()
    return this.version
  }

  unlock(key: Buffer, version: number): void {
    if (this.key) this.key.fill(0)
    this.key = Buffer.from(key)
    this.version = version
    this.notify()
  }

  lock(): void {
    if (!this.key) return
    this.key.fill(0)
    this.key = null
    this.notify()
  }

  onChange(listener: LockListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  require(): { key: Buffer; version: number } {
    if (!this.key) throw new AppError('VAULT_LOCKED', 'The vault is locked. Unlock it to use stored secrets.')
    return { key: this.key, version: this.version }
  }

  seal(loc: SealLocation, plaintext: string | Buffer): Buffer {
    const { key, version } = this.require()
    return seal(key, version, loc, plaintext)
  }

  open(loc: SealLocation, blob: Buffer): Buffer {
    const { key, version } = this.require()
    return open(key, version, loc, blob)
  }

  openString(loc: SealLocation, blob: Buffer): string {
    return this.open(loc, blob).toString('utf8')
  }

  private notify(): void {
    for (const l of this.listeners) l(this.unlocked)
  }
}

import type { Keyring } from '../vault/keyring'
import type { CredentialStore } from './store'

/**
 * Every stored credential's secret values (what the bridge redacts from tool results), decrypting
 * only the rows that changed since the last call. A row is recognised by its ciphertext: every seal
 * uses a fresh random IV, so any write of a row's secrets (edit, token refresh, key rotation) shows
 * up, while timestamps could collide. Nothing is kept while the vault is locked.
 */
export class SecretValueIndex {
  private rows = new Map<string, { sealed: Buffer; values: string[] }>()

  constructor(
    private readonly store: CredentialStore,
    private readonly keyring: Keyring,
  ) {}

  values(): string[] {
    if (!this.keyring.unlocked) {
      this.clear()
      return []
    }
    const next = new Map<string, { sealed: Buffer; values: string[] }>()
    for (const { id, sealed } of this.store.sealedRows()) {
      const known = this.rows.get(id)
      if (known && known.sealed.equals(sealed)) {
        next.set(id, known)
        continue
      }
      try {
        next.set(id, { sealed, values: Object.values(this.store.openSealed(id, sealed)) })
      } catch {
        // An unreadable row has nothing to redact.
      }
    }
    this.rows = next
    return [...next.values()].flatMap((r) => r.values)
  }

  /** Forgets every value (the vault locked, the bridge stopped). */
  clear(): void {
    this.rows = new Map()
  }
}

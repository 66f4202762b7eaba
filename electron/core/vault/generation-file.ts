import { existsSync, readFileSync } from 'node:fs'
import type { GenerationStore } from './key-protector'
import { writeFileAtomicSync } from './atomic-file'

/** Sync encryption of the OS keychain (Electron safeStorage's encryptString/decryptString). */
export interface KeychainCipher {
  encrypt(text: string): Buffer
  decrypt(blob: Buffer): string
}

/**
 * The vault generation kept outside the vault file, encrypted by the OS keychain so another program
 * cannot forge a value (safeStorage has no keychain items of its own to hold it). Kept outside the
 * data folder, a vault file restored from an older copy (or the whole folder) is noticed at unlock.
 * An unreadable file counts as "nothing seen": it can only make detection weaker, never lock you out.
 */
export function keychainGenerationStore(file: string, cipher: KeychainCipher): GenerationStore {
  const all = (): Record<string, number> => {
    if (!existsSync(file)) return {}
    try {
      return JSON.parse(cipher.decrypt(readFileSync(file))) as Record<string, number>
    } catch {
      return {}
    }
  }
  return {
    read: (id) => {
      const n = all()[id]
      return Number.isInteger(n) ? n : null
    },
    write: (id, n) => {
      try {
        writeFileAtomicSync(file, cipher.encrypt(JSON.stringify({ ...all(), [id]: n })), {
          what: 'The vault generation',
          mode: 0o600,
        })
      } catch {
        // No keychain right now (or a read-only folder): detection is weaker, nothing else breaks.
      }
    },
  }
}

// Electron 44+ has only an asynchronous clipboard; the core's Clipboard contract is synchronous.
// This adapter bridges them without weakening "clear the secret only if it is still there".
// Structural types only (no 'electron' import) so tests drive it with a fake async clipboard.
import type { Clipboard } from '../core/context'

export interface AsyncClipboard {
  readText(): Promise<string>
  writeText(text: string): Promise<void>
}

/**
 * `readText()` answers what Keybridge itself last wrote (the only thing the core ever compares),
 * and `writeText('')` — the core's "clear" — reads the real clipboard first and clears it only if
 * it still holds that text, so whatever the user copied since is never wiped.
 */
export function syncClipboard(system: AsyncClipboard, onError: (e: unknown) => void): Clipboard {
  let last: string | null = null
  return {
    writeText(text) {
      if (text !== '') {
        last = text
        system.writeText(text).catch(onError)
        return
      }
      const expected = last
      last = null
      if (expected === null) return
      system
        .readText()
        .then((now) => (now === expected ? system.writeText('') : undefined))
        .catch(onError)
    },
    readText() {
      return last ?? ''
    },
  }
}

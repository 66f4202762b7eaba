// Electron 44+'s clipboard is asynchronous, and so is the core's Clipboard contract: this only
// narrows Electron's module to the two calls the core makes. It keeps no copy of what is written
// (the core keeps only a hash), so the secret lives in the system clipboard and nowhere else.
// Structural types only (no 'electron' import) so tests drive it with a fake async clipboard.
import type { Clipboard } from '../core/context'

export interface AsyncClipboard {
  readText(): Promise<string>
  writeText(text: string): Promise<void>
}

export function systemClipboard(system: AsyncClipboard): Clipboard {
  return {
    readText: () => system.readText(),
    writeText: (text) => system.writeText(text),
  }
}

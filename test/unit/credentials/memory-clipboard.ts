import type { Clipboard } from '../../../electron/core/context'

/**
 * The system clipboard in memory, asynchronous like Electron 44+'s: every call answers a promise that
 * settles a few event-loop turns later, so code that forgets to await it is caught.
 */
export class MemoryClipboard implements Clipboard {
  text = ''
  writes = 0
  async writeText(text: string): Promise<void> {
    await later()
    this.text = text
    this.writes++
  }
  async readText(): Promise<string> {
    await later()
    return this.text
  }
}

const later = () => new Promise<void>((r) => setImmediate(r))

/** Lets pending clipboard calls (and what awaits them) finish. */
export async function settleClipboard(): Promise<void> {
  for (let i = 0; i < 5; i++) await later()
}

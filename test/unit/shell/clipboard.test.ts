import { describe, expect, it } from 'vitest'
import { syncClipboard, type AsyncClipboard } from '../../../electron/main/clipboard'
import { SecretClipboard } from '../../../electron/core/credentials/clipboard'
import { ManualClock } from '../../../electron/core/clock'

/** Behaves like Electron 44+'s clipboard: every call is asynchronous. */
class AsyncSystemClipboard implements AsyncClipboard {
  text = ''
  async readText() {
    return this.text
  }
  async writeText(t: string) {
    this.text = t
  }
}
const settle = () => new Promise((r) => setImmediate(r))

describe('Electron async clipboard behind the core Clipboard contract', () => {
  it('the core copy puts the secret on the clipboard and clears it after 30 s', async () => {
    const system = new AsyncSystemClipboard()
    const clock = new ManualClock()
    const secret = new SecretClipboard(
      clock,
      syncClipboard(system, () => {}),
    )
    secret.copy('sk-live-123')
    await settle()
    expect(system.text).toBe('sk-live-123')
    clock.advance(30_000)
    await settle()
    expect(system.text).toBe('')
  })

  it('never wipes what the user copied since', async () => {
    const system = new AsyncSystemClipboard()
    const clock = new ManualClock()
    const secret = new SecretClipboard(
      clock,
      syncClipboard(system, () => {}),
    )
    secret.copy('sk-live-123')
    await settle()
    system.text = 'my shopping list'
    clock.advance(30_000)
    await settle()
    expect(system.text).toBe('my shopping list')
  })

  it('reports clipboard failures instead of throwing into the core', async () => {
    const errors: unknown[] = []
    const broken: AsyncClipboard = {
      readText: () => Promise.reject(new Error('denied')),
      writeText: () => Promise.reject(new Error('denied')),
    }
    const cb = syncClipboard(broken, (e) => errors.push(e))
    cb.writeText('x')
    cb.writeText('')
    await settle()
    expect(errors).toHaveLength(2)
  })
})

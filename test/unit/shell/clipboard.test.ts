import { describe, expect, it } from 'vitest'
import { systemClipboard, type AsyncClipboard } from '../../../electron/main/clipboard'
import { SecretClipboard } from '../../../electron/core/credentials/clipboard'
import { ManualClock } from '../../../electron/core/clock'

const turn = () => new Promise<void>((r) => setImmediate(r))
const settle = async () => {
  for (let i = 0; i < 5; i++) await turn()
}

/** Behaves like Electron 44+'s clipboard: every call settles on a later event-loop turn. */
class AsyncSystemClipboard implements AsyncClipboard {
  text = ''
  reads = 0
  async readText() {
    await turn()
    this.reads++
    return this.text
  }
  async writeText(t: string) {
    await turn()
    this.text = t
  }
}

function setup() {
  const system = new AsyncSystemClipboard()
  const clock = new ManualClock()
  const errors: unknown[] = []
  const secret = new SecretClipboard(clock, systemClipboard(system), undefined, (e) => errors.push(e))
  return { system, clock, secret, errors }
}

describe('Electron async clipboard behind the core Clipboard contract', () => {
  it('copy resolves once the secret is on the clipboard, and it is cleared after 30 s', async () => {
    const { system, clock, secret } = setup()
    expect(await secret.copy('sk-live-123')).toEqual({ clearsAt: clock.now() + 30_000 })
    expect(system.text).toBe('sk-live-123')
    clock.advance(30_000)
    await settle()
    expect(system.text).toBe('')
  })

  it('never wipes what the user copied since', async () => {
    const { system, clock, secret } = setup()
    await secret.copy('sk-live-123')
    system.text = 'my shopping list'
    clock.advance(30_000)
    await settle()
    expect(system.text).toBe('my shopping list')
  })

  it('the adapter is a pass-through: it reads the real clipboard and keeps no copy of the secret', async () => {
    const system = new AsyncSystemClipboard()
    const adapter = systemClipboard(system)
    await adapter.writeText('sk-live-123')
    system.text = 'copied in another app'
    expect(await adapter.readText()).toBe('copied in another app')
    expect(system.reads).toBe(1)
    expect(JSON.stringify(Object.entries(adapter))).not.toContain('sk-live-123')
  })

  it('a failed write is a readable error without the secret; a failed clear is reported, not thrown', async () => {
    const errors: unknown[] = []
    const broken: AsyncClipboard = {
      readText: () => Promise.reject(new Error('denied')),
      writeText: () => Promise.reject(new Error('denied')),
    }
    const clock = new ManualClock()
    const secret = new SecretClipboard(clock, systemClipboard(broken), undefined, (e) => errors.push(e))
    const err = await secret.copy('sk-live-123').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'IO_ERROR' })
    expect(String((err as Error).message)).not.toContain('sk-live-123')

    const half: AsyncClipboard = { readText: broken.readText, writeText: async () => {} }
    const s2 = new SecretClipboard(clock, systemClipboard(half), undefined, (e) => errors.push(e))
    await s2.copy('sk-live-456')
    clock.advance(30_000)
    await expect(s2.clearIfOurs()).resolves.toBeUndefined()
    await settle()
    expect(errors).toHaveLength(2)
  })
})

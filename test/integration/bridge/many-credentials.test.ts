import { describe, expect, it } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { ManualClock } from '../../../electron/core/clock'
import { REPLAN_DEBOUNCE_MS } from '../../../electron/core/providers/oauth/refresher'
import { makeCore } from '../../helpers/core'
import { testToolSource } from '../../fakes/mcp/test-tools'
import { connectClient, textOf } from './support'

const N = 2_000
const key = (i: number) => `sk-proj-${String(i).padStart(6, '0')}-3c4d5e6f7a8b`

/** Counts decryptions (every credential secret read goes through Keyring.open) and list() passes. */
function instrument(core: Awaited<ReturnType<typeof makeCore>>) {
  const n = { opens: 0, lists: 0 }
  const { keyring, credentials } = core.ctx
  const open = keyring.open.bind(keyring)
  keyring.open = (loc, blob) => {
    n.opens++
    return open(loc, blob)
  }
  const list = credentials.list.bind(credentials)
  credentials.list = (filter) => {
    n.lists++
    return list(filter)
  }
  return n
}

describe('a vault with 2,000 credentials, bridge running, OAuth refresher on', () => {
  it('adding one more decrypts only that one, and the next tool call redacts it', async () => {
    const clock = new ManualClock()
    const core = await makeCore({ unlocked: true, clock })
    try {
      const count = instrument(core)
      // One transaction: the point here is what every change costs the running features, not fsyncs.
      core.ctx.db.transaction(() => {
        for (let i = 0; i < N; i++) {
          core.ctx.credentials.create(
            {
              service: 'openai',
              name: `key-${i}`,
              account: null,
              fields: {},
              secrets: { apiKey: key(i) },
              status: 'unvalidated',
              lastValidatedAt: null,
              validationError: null,
              expiresAt: null,
              metadata: {},
            },
            'system',
          )
        }
      })()
      // 2,000 changes in a row: the refresher re-plans once, after its debounce, not once per change.
      expect(count.lists).toBe(0)
      clock.advance(REPLAN_DEBOUNCE_MS)
      expect(count.lists).toBe(1)

      const bridge = getBridge(core.ctx)
      bridge.registry.add(testToolSource())
      await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
      const { token } = bridge.tokens.create({ name: 'Test App', scopes: [] })
      const client = await connectClient(bridge.url!, token)
      const echo = async (text: string) =>
        textOf(await client.callTool({ name: 'test_read_thing', arguments: { text } }))

      // The first tool call builds the redaction set: each row once.
      count.opens = 0
      expect(await echo(`leak ${key(1234)}`)).toBe('read_thing:leak [redacted]')
      expect(count.opens).toBe(N)

      count.opens = 0
      const added = await core.invoke('credentials.create', {
        service: 'openai',
        name: 'one-more',
        fields: { apiKey: 'sk-proj-brand-new-9f8e7d6c' },
        validate: false,
      })
      expect(added.ok).toBe(true)
      expect(count.opens).toBe(0)
      // The next call decrypts the new row only, and redacts its secret like every other one.
      expect(await echo('leak sk-proj-brand-new-9f8e7d6c')).toBe('read_thing:leak [redacted]')
      expect(await echo(`leak ${key(7)}`)).toBe('read_thing:leak [redacted]')
      expect(count.opens).toBe(1)

      // An edit re-seals its row (new IV): only that row is decrypted again, with its new value.
      const id = core.ctx.credentials.findByRef('openai/key-5').id
      core.ctx.credentials.update(id, { secrets: { apiKey: 'sk-proj-rotated-value-0001' } }, 'ui')
      count.opens = 0
      expect(await echo('sk-proj-rotated-value-0001')).toBe('read_thing:[redacted]')
      expect(count.opens).toBe(1)
      await client.close()
    } finally {
      await core.dispose()
    }
  }, 60_000)
})

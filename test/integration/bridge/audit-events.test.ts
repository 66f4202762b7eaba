import { afterEach, describe, expect, it } from 'vitest'
import { connectClient, startBridge } from './support'

describe('bridge audit batching and events', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  it('announces bridge.callsRecorded only once the calls are readable in the audit log', async () => {
    const b = await startBridge()
    dispose = b.dispose
    const seen: number[] = []
    b.core.ctx.events.subscribe((name, payload) => {
      if (name !== 'bridge.callsRecorded') return
      // At the moment of the event, the audit log already holds the recorded calls.
      const page = b.core.ctx.db
        .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'tool_call'")
        .get() as { n: number }
      seen.push(page.n)
      expect((payload as { count: number }).count).toBeGreaterThan(0)
    })
    const client = await connectClient(b.url, b.token)
    try {
      for (let i = 0; i < 3; i++)
        await client.callTool({ name: 'test_read_thing', arguments: { text: `x${i}` } })
    } finally {
      await client.close()
    }
    await expect.poll(() => seen.at(-1) ?? 0, { timeout: 5000 }).toBe(3)
    const listed = await b.core.invoke('audit.list', { action: 'tool_call' })
    expect(listed).toMatchObject({ ok: true, data: { total: 3 } })
  })
})

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterEach, describe, expect, it } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { makeCore } from '../../helpers/core'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapMb(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 2 ** 20
}

const open: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close().catch(() => {})
})

describe('bridge memory over one long session', () => {
  // Found by the 60 s load run: the SDK's JSON-response mode kept every POST's Response alive for the
  // whole session (~18 KB per call). A client like LM Studio keeps one session for hours.
  it('does not grow with the number of calls made in a session', async () => {
    const core = await makeCore({ unlocked: true })
    open.push({ close: () => core.dispose() })
    await core.invoke('bridge.config.set', { rateLimitPerMinute: 1_000_000 })
    const bridge = getBridge(core.ctx)
    const status = await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
    open.push({ close: () => bridge.stop() })
    const token = (await core.invoke('bridge.tokens.create', { name: 'memory' })) as {
      data: { token: string }
    }
    const client = new Client({ name: 'memory', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(status.url!), {
        requestInit: { headers: { Authorization: `Bearer ${token.data.token}` } },
      }),
    )
    open.push(client)
    for (let i = 0; i < 300; i++) await client.ping()
    const before = heapMb()
    for (let i = 0; i < 3000; i++) await client.ping()
    const growth = heapMb() - before
    // With the leak this was ~50 MB for 3,000 calls; what remains is noise (client and server share this heap).
    expect(growth).toBeLessThan(8)
  }, 60_000)
})

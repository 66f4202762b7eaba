import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FUZZ_SEED } from '../../bench/lib/fuzz-values'
import { fuzzHttp, memoryBounded } from '../../bench/lib/http-fuzz'
import {
  prepareVault,
  startServe,
  type PreparedVault,
  type ServeProcess,
} from '../../bench/lib/serve-process'

let vault: PreparedVault
let serve: ServeProcess

beforeAll(async () => {
  // Rate limit out of the way: the fuzz is about malformed requests, not about 429s.
  vault = await prepareVault({ rateLimitPerMinute: 1_000_000, tokenName: 'fuzz' })
  serve = await startServe(vault)
}, 120_000)

afterAll(async () => {
  await serve?.stop()
  vault?.cleanup()
})

describe('bridge HTTP fuzz against keybridge serve', () => {
  it('answers 10,000 malformed HTTP and JSON-RPC requests (then 5,000 more) with HTTP errors, stays up, memory bounded', async () => {
    const report = await fuzzHttp({
      host: serve.host,
      port: serve.port,
      token: vault.token,
      pid: serve.pid,
      seed: FUZZ_SEED,
      total: 10_000,
      concurrency: 16,
      stalledClients: 12,
      stallMs: 3_000,
    })
    expect(report.total).toBe(10_000)
    expect(report.findings, serve.output().slice(-2000)).toEqual([])
    expect(report.alive).toBe(true)
    expect(report.health.failures).toBe(0)
    // Slow clients were held open the whole time without starving anyone.
    expect(report.stalled.clients).toBe(12)

    // Bounded memory: a second round on the same server must level off, not pile up.
    const second = await fuzzHttp({
      host: serve.host,
      port: serve.port,
      token: vault.token,
      pid: serve.pid,
      seed: FUZZ_SEED + 1,
      total: 5_000,
      concurrency: 16,
    })
    expect(second.findings).toEqual([])
    const memory = memoryBounded(report, second)
    expect(memory.ok, memory.text).toBe(true)

    // And it still serves a real client afterwards.
    const client = new Client({ name: 'after-fuzz', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${vault.token}` } },
      }),
    )
    const tools = await client.listTools()
    expect(Array.isArray(tools.tools)).toBe(true)
    await client.close()

    // SIGTERM still ends it cleanly.
    expect(await serve.stop()).toMatchObject({ code: 0 })
  }, 150_000)
})

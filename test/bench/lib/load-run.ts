import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { FAKE_TOKEN, startFakeHomeAssistant } from '../../fakes/homeassistant/server'
import { isAlive, rssMbOf } from './proc'
import { prepareVault, startServe } from './serve-process'
import { median, percentile } from './stats'

export interface LoadOptions {
  clients: number
  warmupS: number
  durationS: number
  /** Seconds between RSS samples of the server. */
  rssEveryS?: number
  log?: (line: string) => void
}

export interface LoadReport {
  clients: number
  tokens: number
  tool: string
  warmupS: number
  durationS: number
  calls: number
  callsPerS: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** Refusals by the rate limiter (intended), counted apart from errors. */
  rateLimited: number
  /** Everything else that went wrong: kind → count. */
  errors: Record<string, number>
  firstErrors: string[]
  /** Server RSS (MB): at the end of warm-up, at the end, the peak after warm-up, and samples from the start. */
  rss: {
    warmMb: number
    endMb: number
    peakMb: number
    growthPct: number
    samples: { atS: number; mb: number }[]
  }
  haRequests: number
  alive: boolean
  exit: { code: number | null; signal: string | null } | null
}

const TOOL_ARGS = { entity_id: 'light.kitchen' }

/**
 * N concurrent MCP clients (the SDK's Client over Streamable HTTP) calling one read-only tool in a loop
 * against `keybridge serve` in its own process: Home Assistant's get_state on the fake Home Assistant.
 */
export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const log = o.log ?? (() => {})
  const ha = await startFakeHomeAssistant()
  // 16 clients per token: well under the bridge's 64 sessions per token.
  const tokenCount = Math.max(1, Math.ceil(o.clients / 16))
  const vault = await prepareVault({
    rateLimitPerMinute: 1_000_000,
    tokens: tokenCount,
    tokenName: 'load',
    setup: async (core) => {
      const r = await core.invoke(
        'homeassistant.add',
        { name: 'home', url: ha.url, token: FAKE_TOKEN },
        { actor: 'cli' },
      )
      if (!r.ok) throw new Error(`homeassistant.add failed: ${r.error.message}`)
    },
  })
  const serve = await startServe(vault)
  const clients: Client[] = []
  try {
    for (let i = 0; i < o.clients; i++) {
      const c = new Client({ name: `load-${i}`, version: '1.0.0' })
      await c.connect(
        new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), {
          requestInit: { headers: { Authorization: `Bearer ${vault.tokens[i % tokenCount]}` } },
        }),
      )
      clients.push(c)
    }
    const listed = await clients[0].listTools()
    const tool = listed.tools.find((t) => t.name.endsWith('_get_state'))?.name
    if (!tool)
      throw new Error(`no get_state tool listed (tools: ${listed.tools.map((t) => t.name).join(', ')})`)
    log(`load: ${o.clients} clients connected on ${tokenCount} tokens, calling ${tool}`)

    const t0 = performance.now()
    const warmEnd = t0 + o.warmupS * 1000
    const end = warmEnd + o.durationS * 1000
    const latencies: number[] = []
    const errors: Record<string, number> = {}
    const firstErrors: string[] = []
    let rateLimited = 0
    let calls = 0
    const rssSamples: { atS: number; mb: number }[] = []
    let warmMb = Number.NaN
    let peakMb = 0
    const sampler = setInterval(
      () => {
        const mb = rssMbOf(serve.pid)
        const now = performance.now()
        if (!Number.isFinite(mb)) return
        rssSamples.push({ atS: Math.round((now - t0) / 1000), mb })
        if (now >= warmEnd) {
          if (Number.isNaN(warmMb)) warmMb = mb
          peakMb = Math.max(peakMb, mb)
        }
      },
      (o.rssEveryS ?? 1) * 1000,
    )

    const loop = async (c: Client) => {
      while (performance.now() < end) {
        const s = performance.now()
        try {
          const r = await c.callTool({ name: tool, arguments: TOOL_ARGS })
          if (r.isError) throw new Error(`tool error: ${JSON.stringify(r.content).slice(0, 160)}`)
          if (s >= warmEnd) {
            latencies.push(performance.now() - s)
            calls++
          }
        } catch (e) {
          const code = (e as { code?: unknown }).code
          if (code === 429) {
            rateLimited++
            continue
          }
          const kind =
            typeof code === 'number'
              ? `HTTP ${code}`
              : ((e as Error).message ?? 'error').split(':')[0].slice(0, 60)
          errors[kind] = (errors[kind] ?? 0) + 1
          if (firstErrors.length < 5) firstErrors.push(String((e as Error).message).slice(0, 200))
        }
      }
    }
    let lastLog = performance.now()
    const progress = setInterval(() => {
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now()
        log(`load: ${Math.round((performance.now() - t0) / 1000)} s, ${calls} measured calls`)
      }
    }, 1_000)
    await Promise.all(clients.map(loop))
    clearInterval(sampler)
    clearInterval(progress)
    const endMb = rssMbOf(serve.pid)
    const alive = isAlive(serve.pid)
    for (const c of clients) await c.close().catch(() => {})
    const exit = await serve.stop()
    return {
      clients: o.clients,
      tokens: tokenCount,
      tool,
      warmupS: o.warmupS,
      durationS: o.durationS,
      calls,
      callsPerS: calls / o.durationS,
      latencyMs: {
        p50: median(latencies),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies.length ? Math.max(...latencies) : Number.NaN,
      },
      rateLimited,
      errors,
      firstErrors,
      rss: { warmMb, endMb, peakMb, growthPct: ((endMb - warmMb) / warmMb) * 100, samples: rssSamples },
      haRequests: ha.requests.length,
      alive,
      exit: { code: exit.code, signal: exit.signal },
    }
  } finally {
    for (const c of clients) await c.close().catch(() => {})
    await serve.stop().catch(() => {})
    await ha.close()
    vault.cleanup()
  }
}

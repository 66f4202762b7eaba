import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { percentile } from './lib/stats'
import type { BenchFigure } from './types'

const SERVER = join(__dirname, '../fakes/mcp/bench-server.ts')
const WARMUP = 300
const CALLS_1 = 2000
const CALLS_16 = 6000
const ROUNDS = 3

interface Running {
  url: string
  token: string | null
  stop(): Promise<void>
}

/** The server under test in its own process, so clients and server each get a core. */
function startServer(mode: 'keybridge' | 'bare'): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (!line) return
      const { url, token } = JSON.parse(line) as { url: string; token: string | null }
      resolve({
        url,
        token,
        stop: () =>
          new Promise((r) => {
            child.once('exit', () => r())
            child.kill('SIGTERM')
          }),
      })
    })
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)))
  })
}

/**
 * The SDK transport passes one long-lived AbortSignal to every fetch; Node's fetch adds a listener per
 * request that is only removed when the Request is garbage-collected, so thousands of calls pile up
 * listeners and slow the *client* down. The bench drops the signal from POSTs (nothing aborts them here).
 */
const fetchWithoutSignal: typeof fetch = (input, init) =>
  fetch(input, init?.method === 'POST' ? { ...init, signal: undefined } : init)

async function client(s: Running): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' })
  await c.connect(
    new StreamableHTTPClientTransport(new URL(s.url), {
      requestInit: s.token ? { headers: { Authorization: `Bearer ${s.token}` } } : undefined,
      fetch: fetchWithoutSignal,
    }),
  )
  return c
}

/** `calls` tool calls spread over `clients` concurrent sessions: per-call latencies and overall calls/s. */
async function load(s: Running, tool: string, clients: number, calls: number) {
  const cs = await Promise.all(Array.from({ length: clients }, () => client(s)))
  const call = (c: Client) => c.callTool({ name: tool, arguments: { text: 'x' } })
  for (let i = 0; i < WARMUP; i++) await call(cs[i % clients])
  const latencies: number[] = []
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    cs.map(async (c) => {
      while (next++ < calls) {
        const a = performance.now()
        const r = await call(c)
        latencies.push(performance.now() - a)
        if (r.isError) throw new Error(`${tool} failed during the benchmark`)
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  await Promise.all(cs.map((c) => c.close()))
  return { latencies, rate: calls / seconds }
}

async function measure(mode: 'keybridge' | 'bare') {
  const s = await startServer(mode)
  try {
    const one = { p50: [] as number[], p99: [] as number[], rate: [] as number[] }
    const sixteen = { p50: [] as number[], p99: [] as number[], rate: [] as number[] }
    const relay = { direct: [] as number[], upstream: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      const a = await load(s, 'test.read_thing', 1, CALLS_1)
      one.p50.push(percentile(a.latencies, 50))
      one.p99.push(percentile(a.latencies, 99))
      one.rate.push(a.rate)
      const b = await load(s, 'test.read_thing', 16, CALLS_16)
      sixteen.p50.push(percentile(b.latencies, 50))
      sixteen.p99.push(percentile(b.latencies, 99))
      sixteen.rate.push(b.rate)
      if (mode === 'keybridge') {
        relay.direct.push(percentile(a.latencies, 50))
        const u = await load(s, 'reporter.echo', 1, CALLS_1 / 2)
        relay.upstream.push(percentile(u.latencies, 50))
      }
    }
    return { one, sixteen, relay }
  } finally {
    await s.stop()
  }
}

/**
 * The same trivial tool through Keybridge's bridge (auth, rate limit, permissions, audit) and through a
 * bare SDK server (same SDK transport pattern, none of that), both in their own process, driven by the
 * SDK client with 1 and 16 concurrent sessions. Plus the relay cost of an upstream stdio tool.
 */
export default async function bridgeBench(): Promise<BenchFigure[]> {
  const bare = await measure('bare')
  const kb = await measure('keybridge')
  const notes = `${ROUNDS} rounds; ${CALLS_1} calls (1 client) and ${CALLS_16} calls (16 clients) per round after ${WARMUP} warm-up calls; SDK Client + StreamableHTTPClientTransport in the bench process, server in its own process`
  const overhead = kb.relay.upstream.map((u, i) => u - kb.relay.direct[i])
  return [
    {
      name: 'bridge: tool call p50 latency, 1 client',
      unit: 'ms',
      samples: kb.one.p50,
      baseline: { name: 'bare SDK server', samples: bare.one.p50 },
      target: { text: '≤ 1.25× the bare server' },
      notes,
    },
    {
      name: 'bridge: tool call p99 latency, 1 client',
      unit: 'ms',
      samples: kb.one.p99,
      baseline: { name: 'bare SDK server', samples: bare.one.p99 },
      target: { text: '≤ 1.25× the bare server' },
      notes,
    },
    {
      name: 'bridge: tool call p50 latency, 16 clients',
      unit: 'ms',
      samples: kb.sixteen.p50,
      baseline: { name: 'bare SDK server', samples: bare.sixteen.p50 },
      target: { text: '≤ 1.25× the bare server' },
      notes,
    },
    {
      name: 'bridge: tool call p99 latency, 16 clients',
      unit: 'ms',
      samples: kb.sixteen.p99,
      baseline: { name: 'bare SDK server', samples: bare.sixteen.p99 },
      target: { text: '≤ 1.25× the bare server' },
      notes,
    },
    {
      name: 'bridge: tool calls per second, 1 client',
      unit: 'calls/s',
      samples: kb.one.rate,
      baseline: { name: 'bare SDK server', samples: bare.one.rate },
      notes,
    },
    {
      name: 'bridge: tool calls per second, 16 clients',
      unit: 'calls/s',
      samples: kb.sixteen.rate,
      baseline: { name: 'bare SDK server', samples: bare.sixteen.rate },
      target: { min: 3000, text: '≥ 3,000 calls/s with 16 clients on 2 cores' },
      notes,
    },
    {
      name: 'bridge: relay overhead of an upstream stdio tool (p50, 1 client)',
      unit: 'ms',
      samples: overhead,
      notes:
        'p50 of reporter.echo (env-reporter over stdio) minus p50 of the in-process trivial tool, same bridge and round',
    },
  ]
}

import { spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { percentile } from './lib/stats'
import type { BenchFigure } from './types'
import { jsonLines } from './lib/json-lines'

const SERVER = join(__dirname, '../fakes/mcp/bench-server.ts')
const LOADGEN = join(__dirname, '../fakes/mcp/bench-load.ts')
const TOOL = 'test_read_thing'
const ROUNDS = 7
const WARMUP = 200
/** SDK Client (latency): calls per round. */
const SDK_CALLS_1 = 1000
const SDK_CALLS_16 = 3000
/** Load generator (throughput): calls per round. */
const GEN_CALLS_1 = 2000
const GEN_CALLS_16 = 8000
const RELAY_CALLS = 500

type Mode = 'keybridge' | 'bare'

interface Running {
  mode: Mode
  url: string
  token: string | null
  /** CPU time (user + system, µs) the server process has used so far. */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

/** The server under test in its own process, so it is never charged for the clients' work. */
async function startServer(mode: Mode): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const next = jsonLines(child)
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`))),
  )
  died.catch(() => {})
  const ready = await Promise.race([next(), died])
  return {
    mode,
    url: String(ready.url),
    token: typeof ready.token === 'string' ? ready.token : null,
    cpuMicros: async () => {
      child.stdin!.write('cpu\n')
      return Number((await next()).cpuMicros)
    },
    stop: () =>
      new Promise((r) => {
        child.removeAllListeners('exit')
        child.once('exit', () => r())
        child.kill('SIGTERM')
      }),
  }
}

/**
 * The SDK transport passes one long-lived AbortSignal to every fetch; Node's fetch adds a listener per
 * request that is only removed when the Request is garbage-collected, so thousands of calls pile up
 * listeners and slow the *client* down. The bench drops the signal from POSTs (nothing aborts them here).
 */
const fetchWithoutSignal: typeof fetch = (input, init) =>
  fetch(input, init?.method === 'POST' ? { ...init, signal: undefined } : init)

async function sdkClient(s: Running): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' })
  await c.connect(
    new StreamableHTTPClientTransport(new URL(s.url), {
      requestInit: s.token ? { headers: { Authorization: `Bearer ${s.token}` } } : undefined,
      fetch: fetchWithoutSignal,
    }),
  )
  return c
}

/** Latency as a real MCP client sees it: `calls` calls over `clients` SDK Client sessions. */
async function sdkLoad(s: Running, tool: string, clients: number, calls: number) {
  const cs = await Promise.all(Array.from({ length: clients }, () => sdkClient(s)))
  const call = (c: Client) => c.callTool({ name: tool, arguments: { text: 'x' } })
  for (let i = 0; i < WARMUP; i++) await call(cs[i % clients])
  const latencies: number[] = []
  let next = 0
  const cpu0 = process.cpuUsage()
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
  const rate = calls / ((performance.now() - t0) / 1000)
  const cpu = process.cpuUsage(cpu0)
  await Promise.all(cs.map((c) => c.close()))
  const clientMsPerCall = (cpu.user + cpu.system) / 1000 / calls
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rate, clientMsPerCall }
}

/** Throughput: the load generator in its own process; the server's CPU time is sampled around the run. */
async function genLoad(s: Running, clients: number, calls: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', LOADGEN, s.url, s.token ?? '-', String(clients), String(calls), TOOL, String(WARMUP)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const next = jsonLines(child)
  const fail = exited.then((code) => {
    throw new Error(`the load generator exited with ${code}`)
  })
  fail.catch(() => {})
  await Promise.race([next(), fail]) // {measuring: true}
  const cpu0 = await s.cpuMicros()
  const done = (await Promise.race([next(), fail])) as { rate: number; clientMsPerCall: number }
  const cpu1 = await s.cpuMicros()
  await exited
  return {
    rate: done.rate,
    serverMsPerCall: (cpu1 - cpu0) / 1000 / calls,
    clientMsPerCall: done.clientMsPerCall,
  }
}

interface Series {
  p50_1: number[]
  p99_1: number[]
  p50_16: number[]
  p99_16: number[]
  sdkRate16: number[]
  rate1: number[]
  rate16: number[]
  cpu16: number[]
  genClient16: number[]
  sdkClient16: number[]
  relay: number[]
}

const series = (): Series => ({
  p50_1: [],
  p99_1: [],
  p50_16: [],
  p99_16: [],
  sdkRate16: [],
  rate1: [],
  rate16: [],
  cpu16: [],
  genClient16: [],
  sdkClient16: [],
  relay: [],
})

async function round(s: Running, into: Series): Promise<void> {
  const one = await sdkLoad(s, TOOL, 1, SDK_CALLS_1)
  into.p50_1.push(one.p50)
  into.p99_1.push(one.p99)
  const sixteen = await sdkLoad(s, TOOL, 16, SDK_CALLS_16)
  into.p50_16.push(sixteen.p50)
  into.p99_16.push(sixteen.p99)
  into.sdkRate16.push(sixteen.rate)
  into.sdkClient16.push(sixteen.clientMsPerCall)
  into.rate1.push((await genLoad(s, 1, GEN_CALLS_1)).rate)
  const g = await genLoad(s, 16, GEN_CALLS_16)
  into.rate16.push(g.rate)
  into.cpu16.push(g.serverMsPerCall)
  into.genClient16.push(g.clientMsPerCall)
  if (s.mode === 'keybridge') {
    const relayed = await sdkLoad(s, 'reporter_echo', 1, RELAY_CALLS)
    into.relay.push(relayed.p50 - one.p50)
  }
}

const ratios = (a: number[], b: number[]) => a.map((x, i) => x / b[i])

/**
 * The same trivial tool through Keybridge's bridge (auth, rate limit, permissions, audit) and through a
 * bare SDK server (same SDK transport, used the same way, none of that), each in its own process and
 * both up for the whole run; every round measures both, alternating which goes first, so a change in
 * machine load hits both alike. Latency comes from the SDK's own Client; throughput from a light
 * Streamable HTTP load generator in another process, so the figure is the server's, not the client's.
 */
export default async function bridgeBench(): Promise<BenchFigure[]> {
  const load0 = loadavg()[0]
  const servers = {
    bare: await startServer('bare'),
    keybridge: await startServer('keybridge'),
  }
  const kb = series()
  const bare = series()
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const pair: [Running, Series][] = [
        [servers.bare, bare],
        [servers.keybridge, kb],
      ]
      for (const [s, into] of r % 2 ? pair.reverse() : pair) await round(s, into)
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()))
  }
  const load1 = loadavg()[0]
  const machine = `1-min load average ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end, on ${cpus().length} cores shared with everything else running`
  const bareBase = (samples: number[]) => ({ name: 'bare SDK server', samples })
  const latencyNotes = `SDK Client + StreamableHTTPClientTransport in the bench process, ${SDK_CALLS_1} calls (1 client) and ${SDK_CALLS_16} calls (16 sessions) per round after ${WARMUP} warm-up calls; ${ROUNDS} rounds; ${machine}`
  const genNotes = `test/fakes/mcp/bench-load.ts in its own process: one undici keep-alive connection and one MCP session per client (initialize, notifications/initialized, then tools/call with Mcp-Session-Id, MCP-Protocol-Version and Accept: application/json, text/event-stream); ${GEN_CALLS_1} calls (1 client) and ${GEN_CALLS_16} calls (16 clients) per round after ${WARMUP} warm-up calls; the same generator drives the bare server; ${ROUNDS} rounds; ${machine}`
  const ratioNotes = 'Keybridge ÷ bare of the same round (both measured back to back)'
  const cpuPerCall = (ms: number[]) => ms.map((m) => 1000 / m)
  return [
    {
      name: 'bridge: tool call p50 latency, 1 client',
      unit: 'ms',
      samples: kb.p50_1,
      baseline: bareBase(bare.p50_1),
      notes: latencyNotes,
    },
    {
      name: 'bridge: tool call p99 latency, 1 client',
      unit: 'ms',
      samples: kb.p99_1,
      baseline: bareBase(bare.p99_1),
    },
    {
      name: 'bridge: tool call p50 latency, 16 clients',
      unit: 'ms',
      samples: kb.p50_16,
      baseline: bareBase(bare.p50_16),
    },
    {
      name: 'bridge: tool call p99 latency, 16 clients',
      unit: 'ms',
      samples: kb.p99_16,
      baseline: bareBase(bare.p99_16),
    },
    {
      name: 'bridge: p50 latency vs bare SDK server, 1 client',
      unit: 'ratio',
      samples: ratios(kb.p50_1, bare.p50_1),
      target: { max: 1.25, text: '≤ 1.25× the bare server' },
      notes: ratioNotes,
    },
    {
      name: 'bridge: p99 latency vs bare SDK server, 1 client',
      unit: 'ratio',
      samples: ratios(kb.p99_1, bare.p99_1),
      target: { max: 1.25, text: '≤ 1.25× the bare server' },
    },
    {
      name: 'bridge: p50 latency vs bare SDK server, 16 clients',
      unit: 'ratio',
      samples: ratios(kb.p50_16, bare.p50_16),
      target: { max: 1.25, text: '≤ 1.25× the bare server' },
    },
    {
      name: 'bridge: p99 latency vs bare SDK server, 16 clients',
      unit: 'ratio',
      samples: ratios(kb.p99_16, bare.p99_16),
      target: { max: 1.25, text: '≤ 1.25× the bare server' },
    },
    {
      name: 'bridge: tool calls per second, 1 client',
      unit: 'calls/s',
      samples: kb.rate1,
      baseline: bareBase(bare.rate1),
      notes: genNotes,
    },
    {
      name: 'bridge: tool calls per second, 16 clients',
      unit: 'calls/s',
      samples: kb.rate16,
      baseline: bareBase(bare.rate16),
      target: { min: 3000, text: '≥ 3,000 calls/s with 16 clients on 2 cores' },
    },
    {
      name: 'bridge: server CPU time per tool call, 16 clients',
      unit: 'ms',
      samples: kb.cpu16,
      baseline: bareBase(bare.cpu16),
      notes:
        "the server process's user + system CPU time over the measured 16-client load-generator run ÷ calls: what a call costs the server, whatever else the machine is doing",
    },
    {
      name: 'bridge: load generator CPU time per tool call (client side), 16 clients',
      unit: 'ms',
      samples: kb.genClient16,
      baseline: bareBase(bare.genClient16),
      notes:
        "the load generator's own CPU time per call: what the client side of the throughput figure costs",
    },
    {
      name: 'bridge: SDK Client CPU time per tool call (client side), 16 sessions',
      unit: 'ms',
      samples: kb.sdkClient16,
      baseline: bareBase(bare.sdkClient16),
      notes:
        "the bench process's CPU time per call while 16 SDK Clients run in it (client side of the latency figures)",
    },
    {
      name: 'bridge: calls per second one core could serve (1 ÷ server CPU per call)',
      unit: 'calls/s',
      samples: cpuPerCall(kb.cpu16),
      baseline: bareBase(cpuPerCall(bare.cpu16)),
      notes:
        'derived from the row above: the ceiling of a single-threaded server given a whole core, with the clients on the other one',
    },
    {
      name: 'bridge: tool calls per second, 16 SDK Client sessions in the bench process',
      unit: 'calls/s',
      samples: kb.sdkRate16,
      baseline: bareBase(bare.sdkRate16),
      notes:
        'the SDK Client costs more CPU per call than the server does, and here shares the 2 cores with it: this measures the client as much as the server',
    },
    {
      name: 'bridge: relay overhead of an upstream stdio tool (p50, 1 client)',
      unit: 'ms',
      samples: kb.relay,
      notes:
        'p50 of reporter_echo (env-reporter over stdio) minus p50 of the in-process trivial tool, same bridge and round',
    },
  ]
}

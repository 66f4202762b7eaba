import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { percentile } from './lib/stats'
import type { BenchFigure } from './types'

const ROOT = join(__dirname, '../..')
const SERVER = join(__dirname, '../fakes/mcp/bench-server.ts')
const REPORTER = join(__dirname, '../fakes/mcp/env-reporter-server.ts')
const SUPERGATEWAY = join(ROOT, 'node_modules/supergateway/dist/index.js')
const ROUNDS = 5
const WARMUP = 100
const CALLS = 600

interface Gateway {
  name: 'keybridge' | 'supergateway'
  url: string
  token: string | null
  tool: string
  stop(): Promise<void>
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((r) => {
      if (child.exitCode !== null) return r()
      child.removeAllListeners('exit')
      child.once('exit', () => r())
      child.kill('SIGTERM')
    })
}

/** Keybridge with env-reporter as a stdio upstream, in its own process (test/fakes/mcp/bench-server.ts). */
async function keybridge(): Promise<Gateway> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, 'keybridge'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('{') && resolve(l))
    child.once('exit', (code) => reject(new Error(`keybridge bench server exited with ${code}`)))
  })
  const ready = JSON.parse(line) as { url: string; token: string }
  return {
    name: 'keybridge',
    url: ready.url,
    token: ready.token,
    tool: 'reporter_echo',
    stop: stopper(child),
  }
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

/** supergateway (stateful Streamable HTTP) in front of the same stdio server. */
async function supergateway(): Promise<Gateway> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [
      SUPERGATEWAY,
      '--stdio',
      `${process.execPath} --import tsx ${REPORTER}`,
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(port),
      '--logLevel',
      'none',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT },
  )
  const url = `http://127.0.0.1:${port}/mcp`
  const end = Date.now() + 20_000
  for (;;) {
    try {
      const c = await client(url, null)
      await c.close()
      break
    } catch (e) {
      if (Date.now() > end || child.exitCode !== null)
        throw new Error('supergateway did not start', { cause: e })
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { name: 'supergateway', url, token: null, tool: 'echo', stop: stopper(child) }
}

/** As in bridge.bench.ts: the SDK's long-lived signal would pile listeners on every POST. */
const fetchWithoutSignal: typeof fetch = (input, init) =>
  fetch(input, init?.method === 'POST' ? { ...init, signal: undefined } : init)

async function client(url: string, token: string | null): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' })
  await c.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
      fetch: fetchWithoutSignal,
    }),
  )
  return c
}

async function measure(g: Gateway): Promise<{ p50: number; p99: number }> {
  const c = await client(g.url, g.token)
  const call = async () => {
    const r = await c.callTool({ name: g.tool, arguments: { text: 'x' } })
    if (r.isError) throw new Error(`${g.name}: ${g.tool} failed during the benchmark`)
  }
  try {
    for (let i = 0; i < WARMUP; i++) await call()
    const lat: number[] = []
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now()
      await call()
      lat.push(performance.now() - t)
    }
    return { p50: percentile(lat, 50), p99: percentile(lat, 99) }
  } finally {
    await c.close()
  }
}

/**
 * The same upstream stdio tool (env-reporter's echo) relayed by Keybridge and by supergateway (stateful
 * Streamable HTTP), each in its own process and both up for the whole run; every round measures both,
 * alternating which goes first. Latency from the SDK's own Client, one session, calls one after another.
 */
export default async function relayBench(): Promise<BenchFigure[]> {
  const load0 = loadavg()[0]
  const kb = await keybridge()
  const sg = await supergateway()
  const k = { p50: [] as number[], p99: [] as number[] }
  const s = { p50: [] as number[], p99: [] as number[] }
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const order: [Gateway, typeof k][] = [
        [kb, k],
        [sg, s],
      ]
      for (const [g, into] of r % 2 ? order.reverse() : order) {
        const m = await measure(g)
        into.p50.push(m.p50)
        into.p99.push(m.p99)
      }
    }
  } finally {
    await Promise.all([kb.stop(), sg.stop()])
  }
  const machine = `1-min load average ${load0.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end, on ${cpus().length} cores shared with everything else running`
  const notes = `SDK Client + StreamableHTTPClientTransport, one session, ${CALLS} sequential calls per round after ${WARMUP} warm-up calls; ${ROUNDS} rounds alternating which gateway goes first; Keybridge with auth, permissions, redaction and audit on; supergateway --stateful --outputTransport streamableHttp; ${machine}`
  const base = (samples: number[]) => ({ name: 'supergateway', samples })
  return [
    {
      name: 'relay: upstream stdio tool p50 latency, Keybridge',
      unit: 'ms',
      samples: k.p50,
      baseline: base(s.p50),
      notes,
    },
    {
      name: 'relay: upstream stdio tool p99 latency, Keybridge',
      unit: 'ms',
      samples: k.p99,
      baseline: base(s.p99),
    },
    {
      name: 'relay: p50 latency vs supergateway',
      unit: 'ratio',
      samples: k.p50.map((x, i) => x / s.p50[i]),
      target: { max: 0.8, text: '≤ 0.8× supergateway' },
      notes: 'Keybridge ÷ supergateway of the same round',
    },
    {
      name: 'relay: p99 latency vs supergateway',
      unit: 'ratio',
      samples: k.p99.map((x, i) => x / s.p99[i]),
    },
  ]
}

// A light, standard Streamable HTTP load generator for the bridge benchmark, run in its own process so
// that its CPU is not charged to the server. Each simulated client is one keep-alive connection (undici
// Client) with its own MCP session: initialize → notifications/initialized → tools/call in a loop, with
// the headers the spec requires (Accept, Content-Type, Mcp-Session-Id, MCP-Protocol-Version). Answers
// are read whole and checked whether they come as application/json or as an SSE stream.
//
// Usage: bench-load.ts <url> <token|-> <clients> <calls> <tool> [warmup]
// Prints {"measuring":true} when the warm-up is over, then one JSON line when done:
// { calls, seconds, rate, clientMsPerCall, latencies: number[] } (ms; clientMsPerCall is this process's
// own CPU time per call, the client side's cost).
import { performance } from 'node:perf_hooks'
import { Client } from 'undici'

const PROTOCOL = '2025-06-18'

interface Session {
  http: Client
  path: string
  headers: Record<string, string>
}

/** The JSON-RPC message of an answer, whichever content type the server chose. */
function message(contentType: string, text: string): { result?: { isError?: boolean }; error?: unknown } {
  if (contentType.startsWith('application/json')) return JSON.parse(text) as never
  const data = text
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .filter(Boolean)
    .pop()
  if (!data) throw new Error('the SSE answer carried no message')
  return JSON.parse(data) as never
}

async function post(s: Session, body: unknown) {
  const r = await s.http.request({
    path: s.path,
    method: 'POST',
    headers: s.headers,
    body: JSON.stringify(body),
  })
  const text = await r.body.text()
  if (r.statusCode === 202) return { status: 202, headers: r.headers, msg: null }
  if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}: ${text.slice(0, 200)}`)
  return { status: r.statusCode, headers: r.headers, msg: message(String(r.headers['content-type']), text) }
}

async function open(url: URL, token: string | null): Promise<Session> {
  const s: Session = {
    http: new Client(url.origin, { pipelining: 1, keepAliveTimeout: 60_000 }),
    path: url.pathname,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  }
  const init = await post(s, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'bench-load', version: '1' } },
  })
  const sid = init.headers['mcp-session-id']
  if (typeof sid !== 'string') throw new Error('initialize returned no Mcp-Session-Id')
  s.headers = { ...s.headers, 'mcp-session-id': sid, 'mcp-protocol-version': PROTOCOL }
  await post(s, { jsonrpc: '2.0', method: 'notifications/initialized' })
  return s
}

async function main(): Promise<void> {
  const [url, tokenArg, clientsArg, callsArg, tool, warmupArg] = process.argv.slice(2)
  const token = tokenArg === '-' ? null : tokenArg
  const clients = Number(clientsArg)
  const calls = Number(callsArg)
  const warmup = Number(warmupArg ?? 300)
  const sessions = await Promise.all(Array.from({ length: clients }, () => open(new URL(url), token)))
  let id = 1
  const call = async (s: Session) => {
    const r = await post(s, {
      jsonrpc: '2.0',
      id: id++,
      method: 'tools/call',
      params: { name: tool, arguments: { text: 'x' } },
    })
    if (!r.msg?.result || r.msg.result.isError) throw new Error(`${tool} failed: ${JSON.stringify(r.msg)}`)
  }
  let left = warmup
  await Promise.all(
    sessions.map(async (s) => {
      while (left-- > 0) await call(s)
    }),
  )
  // Tells the bench the measured part starts (it samples the server's CPU time here).
  process.stdout.write(JSON.stringify({ measuring: true }) + '\n')
  const latencies: number[] = []
  let next = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(
    sessions.map(async (s) => {
      while (next++ < calls) {
        const a = performance.now()
        await call(s)
        latencies.push(performance.now() - a)
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  await Promise.all(
    sessions.map(async (s) => {
      await s.http.request({ path: s.path, method: 'DELETE', headers: s.headers }).then((r) => r.body.dump())
      await s.http.close()
    }),
  )
  process.stdout.write(
    JSON.stringify({
      calls,
      seconds,
      rate: calls / seconds,
      clientMsPerCall: (cpu.user + cpu.system) / 1000 / calls,
      latencies,
    }) + '\n',
  )
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-load: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(1)
})

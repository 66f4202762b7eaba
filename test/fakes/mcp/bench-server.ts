// A server process for the bridge benchmark. `keybridge`: a real core (temp SQLite vault, unlocked)
// with the bridge on a free port, a trivial tool and the env-reporter upstream. `bare`: the SDK's own
// stateful Streamable HTTP pattern with the same trivial tool, without auth, permissions or audit.
// Prints one JSON line {url, token?} when ready; answers each stdin line with {cpuMicros}; exits on SIGTERM.
// KB_BENCH_BARE_JSON=1 makes the bare server answer POSTs with application/json (enableJsonResponse)
// instead of SSE streams, for experiments: SDK 1.x leaks a stream mapping per POST in that mode.
// KB_BENCH_OBSERVE=off runs Keybridge without its log file and metrics, =on with both (the log file at
// info level and /metrics), for the observability benchmark's comparison; unset: metrics on, no log file.
// With KB_BENCH_CPU_PROFILE=<file>, SIGUSR2 starts the V8 CPU profiler and a second SIGUSR2 writes the
// profile there: only the steady state under load is profiled, not start-up.
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import {
  CallToolRequestSchema,
  isInitializeRequest,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { getBridge } from '../../../electron/core/bridge/feature'
import type { ToolSource } from '../../../electron/core/bridge/tool-source'
import { makeCore } from '../../helpers/core'

const TRIVIAL = {
  name: 'test_read_thing',
  description: 'Test tool read_thing',
  inputSchema: { type: 'object' as const, properties: { text: { type: 'string' } } },
  annotations: { readOnlyHint: true },
}

const answer = (args: Record<string, unknown> | undefined) => ({
  content: [{ type: 'text' as const, text: `read_thing:${String(args?.['text'] ?? '')}` }],
})

/** The same trivial tool for Keybridge (unlike testToolSource, it keeps no record of its calls). */
const trivialSource: ToolSource = {
  id: 'test',
  async listTools() {
    return [
      {
        ...TRIVIAL,
        id: 'test/read_thing',
        nameParts: ['test', 'read_thing'],
        originalName: 'read_thing',
        source: 'test',
        call: async (args) => answer(args),
      },
    ]
  },
}

async function bare(): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>()
  const http = createServer(async (req, res) => {
    // Like the SDK's Express examples (express.json() before the transport), and like Keybridge: a POST
    // body is read and parsed here and handed to the transport, which then skips building a web Request.
    let body: unknown
    if (req.method === 'POST') {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      body = JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown
    }
    const sid = req.headers['mcp-session-id']
    if (typeof sid === 'string' && sessions.has(sid)) return sessions.get(sid)!.handleRequest(req, res, body)
    if (!isInitializeRequest(body)) {
      res.writeHead(400).end()
      return
    }
    const server = new Server({ name: 'bare', version: '1' }, { capabilities: { tools: {} } })
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [TRIVIAL] }))
    server.setRequestHandler(CallToolRequestSchema, async (r) => answer(r.params.arguments))
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Keybridge answers POSTs with SSE streams, the SDK's default (see http-server.ts); so does this.
      enableJsonResponse: process.env.KB_BENCH_BARE_JSON === '1',
      onsessioninitialized: (id) => void sessions.set(id, transport),
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, body)
  })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: async () => {
      http.closeAllConnections()
      http.close()
    },
  }
}

async function keybridge(): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const observe = process.env.KB_BENCH_OBSERVE
  const core = await makeCore({
    unlocked: true,
    ...(observe === 'off' ? { metrics: false } : {}),
    ...(observe === 'on' ? { logging: { file: true } } : {}),
  })
  const bridge = getBridge(core.ctx)
  bridge.registry.add(trivialSource)
  bridge.setConfig({ rateLimitPerMinute: 1_000_000 })
  bridge.upstreams.add({
    name: 'reporter',
    command: process.execPath,
    args: ['--import', 'tsx', join(__dirname, 'env-reporter-server.ts')],
    env: {},
    enabled: true,
  })
  // Its read-only echo is what the relay figure measures: trust its annotations so it runs unprompted.
  bridge.upstreams.setTrustHints('reporter', true)
  await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
  const { token } = bridge.tokens.create({ name: 'bench', scopes: [] })
  return { url: bridge.url!, token, close: () => core.dispose() }
}

function profileOnSignal(file: string): void {
  const inspector = new Session()
  inspector.connect()
  let on = false
  process.on('SIGUSR2', () => {
    if (!on) {
      on = true
      inspector.post('Profiler.enable', () => inspector.post('Profiler.start'))
      return
    }
    on = false
    inspector.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(file, JSON.stringify(r.profile))
    })
  })
}

const mode = process.argv[2]
if (process.env.KB_BENCH_CPU_PROFILE) profileOnSignal(process.env.KB_BENCH_CPU_PROFILE)
void (mode === 'bare' ? bare() : keybridge()).then((s) => {
  process.stdout.write(JSON.stringify({ url: s.url, token: 'token' in s ? s.token : null }) + '\n')
  // Each line on stdin asks for the CPU time this process has used so far (user + system, µs), so the
  // bench can charge the server, and only the server, for the calls in a window.
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk: string) => {
    for (const _ of chunk.matchAll(/\n/g)) {
      const { user, system } = process.cpuUsage()
      process.stdout.write(JSON.stringify({ cpuMicros: user + system }) + '\n')
    }
  })
  process.once('SIGTERM', () => void s.close().then(() => process.exit(0)))
})

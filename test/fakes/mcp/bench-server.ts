// A server process for the bridge benchmark. `keybridge`: a real core (temp SQLite vault, unlocked)
// with the bridge on a free port, a trivial tool and the env-reporter upstream. `bare`: the SDK's own
// stateful Streamable HTTP pattern with the same trivial tool, without auth, permissions or audit.
// Prints one JSON line {url, token?} when ready; exits on SIGTERM.
import { randomUUID } from 'node:crypto'
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
import { makeCore } from '../../helpers/core'
import { testToolSource } from './test-tools'

const TRIVIAL = {
  name: 'test.read_thing',
  description: 'Test tool read_thing',
  inputSchema: { type: 'object' as const, properties: { text: { type: 'string' } } },
  annotations: { readOnlyHint: true },
}

async function bare(): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>()
  const http = createServer(async (req, res) => {
    const sid = req.headers['mcp-session-id']
    if (typeof sid === 'string' && sessions.has(sid)) return sessions.get(sid)!.handleRequest(req, res)
    // Like the SDK examples: read the body to see whether it is an initialize.
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown
    if (!isInitializeRequest(body)) {
      res.writeHead(400).end()
      return
    }
    const server = new Server({ name: 'bare', version: '1' }, { capabilities: { tools: {} } })
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [TRIVIAL] }))
    server.setRequestHandler(CallToolRequestSchema, async (r) => ({
      content: [{ type: 'text', text: `read_thing:${String(r.params.arguments?.['text'] ?? '')}` }],
    }))
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
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
  const core = await makeCore({ unlocked: true })
  const bridge = getBridge(core.ctx)
  bridge.registry.add(testToolSource())
  bridge.setConfig({ rateLimitPerMinute: 1_000_000 })
  bridge.upstreams.add({
    name: 'reporter',
    command: process.execPath,
    args: ['--import', 'tsx', join(__dirname, 'env-reporter-server.ts')],
    env: {},
    enabled: true,
  })
  await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'deny' })
  const { token } = bridge.tokens.create({ name: 'bench', scopes: [] })
  return { url: bridge.url!, token, close: () => core.dispose() }
}

const mode = process.argv[2]
void (mode === 'bare' ? bare() : keybridge()).then((s) => {
  process.stdout.write(JSON.stringify({ url: s.url, token: 'token' in s ? s.token : null }) + '\n')
  process.once('SIGTERM', () => void s.close().then(() => process.exit(0)))
})

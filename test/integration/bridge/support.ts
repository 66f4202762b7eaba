import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { getBridge } from '../../../electron/core/bridge/feature'
import type { BridgeService } from '../../../electron/core/bridge/service'
import type { CoreOptions } from '../../../electron/core/context'
import { makeCore } from '../../helpers/core'
import { testToolSource } from '../../fakes/mcp/test-tools'

export type TestCore = Awaited<ReturnType<typeof makeCore>>

/** A real core (unlocked vault on a temp SQLite file) with the bridge listening on a free loopback port. */
export async function startBridge(
  opts: Partial<CoreOptions> & { approvalMode?: 'ask' | 'deny' | 'approve_all' } = {},
): Promise<{
  core: TestCore
  bridge: BridgeService
  url: string
  port: number
  token: string
  tools: ReturnType<typeof testToolSource>
  dispose(): Promise<void>
}> {
  const core = await makeCore({ unlocked: true, ...opts })
  const bridge = getBridge(core.ctx)
  const tools = testToolSource()
  bridge.registry.add(tools)
  bridge.setConfig({ rateLimitPerMinute: 100_000 })
  await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: opts.approvalMode ?? 'ask' })
  const { token } = bridge.tokens.create({ name: 'Test App', scopes: [] })
  const url = bridge.url!
  return {
    core,
    bridge,
    url,
    port: new URL(url).port ? Number(new URL(url).port) : 80,
    token,
    tools,
    dispose: () => core.dispose(),
  }
}

export async function connectClient(url: string, token: string, name = 'vitest'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  })
  await client.connect(transport)
  return client
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? []
  return content.map((c) => c.text ?? '').join('')
}

export const INIT_BODY = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
}

export const MCP_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
}

export interface RawResponse {
  status: number
  headers: import('node:http').IncomingHttpHeaders
  body: string
}

/** A raw HTTP exchange (node:http lets a test set Host and other headers fetch forbids). */
export function rawRequest(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/mcp',
        headers: { Host: `127.0.0.1:${port}`, ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.end(opts.body)
  })
}

/** Initializes a session with raw HTTP and returns its id. */
export async function rawSession(port: number, token: string): Promise<string> {
  const r = await rawRequest(port, {
    headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
    body: JSON.stringify(INIT_BODY),
  })
  if (r.status !== 200) throw new Error(`initialize answered ${r.status}: ${r.body}`)
  return String(r.headers['mcp-session-id'])
}

export const REPORTER = join(__dirname, '../../fakes/mcp/env-reporter-server.ts')
/** The stdio fixture offering every capability (test/fakes/mcp/full-server.ts). */
export const FULL_FIXTURE = join(__dirname, '../../fakes/mcp/full-server.ts')
export const EVERYTHING = join(
  __dirname,
  '../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
)

/** Command and args that run the env-reporter fake (TypeScript, through tsx). */
export function reporterCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', REPORTER] }
}

export function addCredential(
  core: TestCore,
  service: string,
  name: string,
  secrets: Record<string, string>,
  fields: Record<string, string> = {},
) {
  return core.ctx.credentials.create(
    {
      service,
      name,
      account: null,
      fields,
      secrets,
      status: 'active',
      lastValidatedAt: null,
      validationError: null,
      expiresAt: null,
      metadata: {},
    },
    'ui',
  )
}

export async function waitFor<T>(
  get: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
  what = 'condition',
  everyMs = 20,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await get()
    if (v) return v
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INIT_BODY, MCP_HEADERS, rawRequest, startBridge } from './support'

const LATEST = '2025-11-25'

/** Reads an SSE response until `until` matches what arrived, then drops the connection. */
function sseUntil(
  port: number,
  headers: Record<string, string>,
  until: RegExp,
  opts: { method?: string; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: opts.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...headers },
        agent: false,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          text += c
          if (until.test(text)) {
            resolve({ status: res.statusCode ?? 0, text })
            req.destroy()
          }
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)))
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.end(opts.body)
  })
}

describe('bridge HTTP edge cases', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let auth: Record<string, string>
  beforeAll(async () => {
    env = await startBridge()
    auth = { ...MCP_HEADERS, Authorization: `Bearer ${env.token}` }
    // A call that takes a while: its answer stream is primed for resumption before the answer comes.
    env.bridge.registry.add({
      id: 'slow',
      async listTools() {
        return [
          {
            id: 'slow/nap',
            nameParts: ['slow', 'nap'],
            name: 'slow_nap',
            originalName: 'nap',
            description: 'Answers after 200 ms.',
            inputSchema: { type: 'object' },
            annotations: { readOnlyHint: true },
            source: 'slow',
            call: async () => {
              await new Promise((r) => setTimeout(r, 200))
              return { content: [{ type: 'text', text: 'napped' }] }
            },
          },
        ]
      },
    })
  })
  afterAll(async () => {
    await env.dispose()
  })

  async function session(): Promise<string> {
    const r = await rawRequest(env.port, {
      headers: auth,
      body: JSON.stringify({ ...INIT_BODY, params: { ...INIT_BODY.params, protocolVersion: LATEST } }),
    })
    expect(r.status).toBe(200)
    const id = String(r.headers['mcp-session-id'])
    await rawRequest(env.port, {
      headers: { ...auth, 'Mcp-Session-Id': id, 'MCP-Protocol-Version': LATEST },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    })
    return id
  }

  it('answers a 20 MB request with 413 and a JSON-RPC error, without resetting the connection', async () => {
    const r = await rawRequest(env.port, { headers: auth, body: Buffer.alloc(20 * 1024 * 1024, 0x20) })
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null })
    expect(JSON.parse(r.body).error.message).toContain(String(4 * 1024 * 1024))
    // Just under the limit is read and parsed (a parse error here, not a 413).
    const under = await rawRequest(env.port, { headers: auth, body: Buffer.alloc(4 * 1024 * 1024, 0x20) })
    expect(under.status).toBe(400)
  })

  it('SSE answers carry event ids and a retry field; Last-Event-ID replays what was missed', async () => {
    const id = await session()
    const h = { ...auth, 'Mcp-Session-Id': id, 'MCP-Protocol-Version': LATEST }
    const call = await rawRequest(env.port, {
      headers: h,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'slow_nap', arguments: {} },
      }),
    })
    expect(call.status).toBe(200)
    expect(call.body).toMatch(/^id: \S+\nretry: 1000\n/m)
    const ids = [...call.body.matchAll(/^id: (\S+)$/gm)].map((m) => m[1])
    expect(ids.length).toBeGreaterThanOrEqual(2)
    // A client that lost the stream after the first (priming) event asks again from there.
    const replay = await sseUntil(
      env.port,
      { ...h, Accept: 'text/event-stream', 'Last-Event-ID': ids[0] },
      /napped/,
    )
    expect(replay.status).toBe(200)
    expect(replay.text).toContain(`id: ${ids[1]}`)
    expect(replay.text).toContain('napped')
    // A call answered at once is not primed (that would only cost time), but its answer has an id.
    const quick = await rawRequest(env.port, {
      headers: h,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 8,
        method: 'tools/call',
        params: { name: 'test_read_thing', arguments: { text: 'q' } },
      }),
    })
    expect(quick.body).toMatch(/^id: \S+\ndata: .*read_thing:q/m)
  })

  it('never rate-limits DELETE: a client over its limit can still end its session', async () => {
    const id = await session()
    env.bridge.setConfig({ rateLimitPerMinute: 1 })
    try {
      const h = { ...auth, 'Mcp-Session-Id': id, 'MCP-Protocol-Version': LATEST }
      let limited = false
      for (let i = 0; i < 5 && !limited; i++) {
        const r = await rawRequest(env.port, {
          headers: h,
          body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping' }),
        })
        limited = r.status === 429
      }
      expect(limited).toBe(true)
      const del = await rawRequest(env.port, { method: 'DELETE', headers: h })
      expect(del.status).toBe(200)
      const after = await rawRequest(env.port, { method: 'DELETE', headers: h })
      expect(after.status).toBe(404)
    } finally {
      env.bridge.setConfig({ rateLimitPerMinute: 100_000 })
    }
  })
})

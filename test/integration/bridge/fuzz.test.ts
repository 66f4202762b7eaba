import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, MCP_HEADERS, rawSession, startBridge, textOf } from './support'

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('bridge fuzz: malformed requests get errors, never a crash', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  beforeAll(async () => {
    env = await startBridge()
  })
  afterAll(async () => {
    agent.destroy()
    await env.dispose()
  })

  function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
    return new Promise<number>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: env.port, method, path, headers, agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', () => resolve(-1))
      })
      req.on('error', () => resolve(-1))
      req.setTimeout(10_000, () => req.destroy())
      req.end(body)
    })
  }

  it('survives a few thousand malformed requests', async () => {
    const rand = prng(42)
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]
    const sid = await rawSession(env.port, env.token)
    const host = `127.0.0.1:${env.port}`
    const good = { Host: host, ...MCP_HEADERS, Authorization: `Bearer ${env.token}` }
    const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)))
    const junkJson = [
      '',
      '{',
      '[',
      'null',
      '42',
      '"str"',
      '{"jsonrpc":"2.0"}',
      '{"jsonrpc":"1.0","id":1,"method":"tools/list"}',
      '{"jsonrpc":"2.0","id":{},"method":"tools/list"}',
      '{"jsonrpc":"2.0","id":1,"method":7}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"x"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"a":1}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_read_thing","arguments":[1,2]}}',
      '{"jsonrpc":"2.0","id":1,"method":"no/such/method"}',
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}',
      '[]',
      '[1,2,3]',
      '[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"bad":true}]',
      '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"zz"}}',
      '{"__proto__":{"polluted":true},"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      '{"jsonrpc":"2.0","result":{},"id":99}',
      '\u0000\u0001\u0002',
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
    ]
    const cases: (() => Promise<number>)[] = []
    for (let i = 0; i < 3000; i++) {
      const kind = Math.floor(rand() * 8)
      cases.push(() => {
        switch (kind) {
          case 0:
            return send('POST', '/mcp', good, randomBytes(1 + Math.floor(rand() * 200)))
          case 1:
            return send('POST', '/mcp', good, pick(junkJson))
          case 2:
            return send(
              'POST',
              '/mcp',
              { ...good, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-06-18' },
              pick(junkJson),
            )
          case 3:
            return send(
              'POST',
              '/mcp',
              {
                ...good,
                'Content-Type': pick(['text/plain', 'application/jsonx', 'multipart/form-data', '']),
                Accept: pick(['*/*', 'text/html', 'application/json', '']),
                'Mcp-Session-Id': pick([sid, 'x'.repeat(300), '../../etc', '']),
              },
              '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
            )
          case 4:
            return send(
              pick(['GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']),
              pick(['/mcp', '/health', '/', '/mcp/', '/%00', '/..%2f']),
              {
                ...good,
                'Mcp-Session-Id': pick([sid + 'x', 'nope', '']),
              },
            )
          case 5:
            return send(
              'POST',
              '/mcp',
              {
                ...good,
                Authorization: pick([
                  'Bearer',
                  'Bearer ',
                  'bearer kb_' + 'A'.repeat(43),
                  'Bearer kb_' + '!'.repeat(43),
                  'Token x',
                  'Bearer ' + 'k'.repeat(4000),
                ]),
              },
              '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
            )
          case 6:
            return send(
              'POST',
              '/mcp',
              {
                ...good,
                Origin: pick(['null', 'http://evil', 'javascript:alert(1)', 'http://localhost:1', '%%%']),
              },
              '{}',
            )
          default:
            return send('POST', '/mcp', { ...good, 'X-Junk': 'v'.repeat(Math.floor(rand() * 20_000)) }, '{}')
        }
      })
    }
    // A few huge bodies: declared and streamed.
    for (let i = 0; i < 4; i++)
      cases.push(() => send('POST', '/mcp', good, Buffer.alloc(4 * 1024 * 1024 + 1 + i, 0x7b)))

    const statuses = new Map<number, number>()
    let next = 0
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < cases.length) {
          const s = await cases[next++]()
          statuses.set(s, (statuses.get(s) ?? 0) + 1)
        }
      }),
    )
    // Every request got an HTTP answer (a few connections may be cut after a 413 or a 431) and none was a 500.
    expect(statuses.get(500) ?? 0).toBe(0)
    const total = [...statuses.values()].reduce((a, b) => a + b, 0)
    expect(total).toBe(cases.length)
    expect((statuses.get(-1) ?? 0) / total).toBeLessThan(0.01)
    for (const s of statuses.keys())
      expect([-1, 200, 202, 400, 401, 403, 404, 405, 406, 413, 415, 431]).toContain(s)
    for (const s of [400, 401, 403, 404, 413]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0)

    // Raw garbage on the socket: the HTTP parser refuses it.
    for (const junk of [
      'GARBAGE\r\n\r\n',
      'POST /mcp HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
      '\x16\x03\x01\x00\xa5',
    ]) {
      await new Promise<void>((resolve) => {
        const s = connect(env.port, '127.0.0.1', () => s.end(junk))
        s.on('data', () => {})
        s.on('close', () => resolve())
        s.on('error', () => resolve())
        s.setTimeout(5000, () => s.destroy())
      })
    }

    // Still serving.
    const client = await connectClient(env.url, env.token)
    expect(textOf(await client.callTool({ name: 'test_read_thing', arguments: { text: 'alive' } }))).toBe(
      'read_thing:alive',
    )
    await client.close()
  }, 60_000)
})

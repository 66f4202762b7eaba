import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addCredential, connectClient, startBridge, textOf } from './support'

const GH_TOKEN = 'ghp_ApiRequestSecretValue1234567890'
const JIRA_TOKEN = 'ATATT3xFfGF0JiraSecret99'

/** A provider stand-in that echoes what it received — including the auth header, which must not reach the client. */
function echoServer(): Promise<{
  server: Server
  base: string
  seen: { method: string; url: string; auth: string }[]
}> {
  const seen: { method: string; url: string; auth: string }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: String(req.headers.authorization) })
      if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        res.end('x'.repeat(1024 * 1024))
        return
      }
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, {
        'Content-Type': 'application/json',
        'X-Echo-Auth': String(req.headers.authorization),
        'Set-Cookie': 'session=abc',
      })
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  )
}

describe('api_request tools for stored credentials', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let fake: Awaited<ReturnType<typeof echoServer>>

  beforeAll(async () => {
    fake = await echoServer()
    env = await startBridge({
      approvalMode: 'approve_all',
      env: { KEYBRIDGE_GITHUB_BASE_URL: fake.base, KEYBRIDGE_JIRA_BASE_URL: fake.base },
    })
    addCredential(env.core, 'github', 'personal', { token: GH_TOKEN })
    addCredential(env.core, 'github', 'work', { token: GH_TOKEN + 'W' })
    addCredential(
      env.core,
      'jira',
      'acme',
      { apiToken: JIRA_TOKEN },
      { site: 'https://acme.atlassian.net', email: 'me@example.com' },
    )
  })
  afterAll(async () => {
    await env.dispose()
    fake.server.close()
  })

  it('offers a read and a write tool per service, with the accounts to choose from', async () => {
    const client = await connectClient(env.url, env.token)
    const tools = (await client.listTools()).tools
    const read = tools.find((t) => t.name === 'github_api_read')!
    expect(read.annotations).toMatchObject({ readOnlyHint: true })
    expect((read.inputSchema.properties as Record<string, { enum?: string[] }>).credential.enum).toEqual([
      'personal',
      'work',
    ])
    expect(tools.find((t) => t.name === 'github_api_request')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    })
    const infos = (await env.core.invoke('bridge.tools.list', undefined)) as {
      data: { name: string; requiredLevel: string }[]
    }
    expect(infos.data.find((t) => t.name === 'github_api_request')?.requiredLevel).toBe('write')
    await client.close()
  })

  it('injects the credential, calls only the provider, and redacts the secret from the answer', async () => {
    const client = await connectClient(env.url, env.token)
    const r = await client.callTool({
      name: 'github_api_read',
      arguments: { path: '/user', query: { per_page: 5 } },
    })
    expect(r.isError).toBeFalsy()
    const out = JSON.parse(textOf(r)) as {
      status: number
      headers: Record<string, string>
      body: { url: string; auth: string }
    }
    expect(out.status).toBe(200)
    expect(out.body.url).toBe('/user?per_page=5')
    expect(fake.seen.at(-1)!.auth).toBe(`Bearer ${GH_TOKEN}`)
    expect(textOf(r)).not.toContain(GH_TOKEN)
    expect(out.body.auth).toContain('[redacted]')
    expect(out.headers['set-cookie']).toBeUndefined()
    expect(out.headers['x-echo-auth']).toBeUndefined()

    // Another account, and Basic auth (email:token base64) is redacted as well.
    await client.callTool({ name: 'github_api_read', arguments: { path: '/user', credential: 'work' } })
    expect(fake.seen.at(-1)!.auth).toBe(`Bearer ${GH_TOKEN}W`)
    const j = await client.callTool({ name: 'jira_api_read', arguments: { path: '/rest/api/3/myself' } })
    expect(fake.seen.at(-1)!.auth).toMatch(/^Basic /)
    expect(textOf(j)).not.toContain(fake.seen.at(-1)!.auth.slice(6))
    await client.close()
  })

  it('refuses methods the tool does not allow and paths that leave the provider', async () => {
    const client = await connectClient(env.url, env.token)
    const post = await client.callTool({
      name: 'github_api_read',
      arguments: { path: '/user', method: 'POST' },
    })
    expect(post.isError).toBe(true)
    expect(textOf(post)).toContain('only GET, HEAD')
    const before = fake.seen.length
    for (const path of ['//evil.example/x', '/../etc', 'https://evil.example/', '/%2e%2e/x']) {
      const r = await client.callTool({ name: 'github_api_read', arguments: { path } })
      expect(r.isError, path).toBe(true)
    }
    expect(fake.seen.length).toBe(before)
    await client.close()
  })

  it('sends writes through api_request, caps big answers, and marks HTTP errors', async () => {
    const client = await connectClient(env.url, env.token)
    const w = await client.callTool({
      name: 'github_api_request',
      arguments: { path: '/repos/x/issues', method: 'POST', body: { title: 'hi' } },
    })
    expect(JSON.parse(textOf(w)).body).toMatchObject({ method: 'POST', body: '{"title":"hi"}' })
    const big = JSON.parse(
      textOf(await client.callTool({ name: 'github_api_read', arguments: { path: '/big' } })),
    )
    expect(big.truncated).toBe(true)
    expect(big.body.length).toBe(256 * 1024)
    const missing = await client.callTool({ name: 'github_api_read', arguments: { path: '/missing' } })
    expect(missing.isError).toBe(true)
    expect(JSON.parse(textOf(missing)).status).toBe(404)
    await client.close()
    // Each use is counted on the credential and audited for the client.
    expect(env.core.ctx.credentials.findByRef('github/personal').useCount).toBeGreaterThan(0)
  })
})

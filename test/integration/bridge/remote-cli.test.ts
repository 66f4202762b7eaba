import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { createCore, type Core } from '../../../electron/core/app'
import { getBridge } from '../../../electron/core/bridge/feature'
import type { BridgeService } from '../../../electron/core/bridge/service'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import { startBearerMcpServer, startNotMcpServer, type BearerFake } from '../../fakes/mcp-oauth/bearer-server'
import { sha256 } from '../../fakes/mcp-oauth/mcp-tools'
import { startOAuthMcpServer, type OAuthMcpFake } from '../../fakes/mcp-oauth/oauth-server'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { filesContaining, toolName } from './remote-support'
import { connectClient, textOf, waitFor } from './support'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
const FAKE_BROWSER = join(__dirname, '../../fakes/mcp-oauth/fake-browser.mjs')
const PASSWORD = 'remote upstream cli password'
const STATIC_TOKEN = 'static_' + 'BearerSecretValue'.repeat(2)

describe('keybridge upstream add --url / login / probe, with a running bridge', () => {
  const t = tempDir('kb-remote-cli-')
  const browserLog = join(t.dir, '..', `${t.dir.split('/').pop()}-browser.log`)
  const env = {
    KEYBRIDGE_PASSWORD: PASSWORD,
    BROWSER: `${process.execPath} ${FAKE_BROWSER}`,
    FAKE_BROWSER_LOG: browserLog,
    PATH: process.env['PATH'],
  }
  let oauth: OAuthMcpFake
  let bearer: BearerFake
  let sse: BearerFake
  let core: Core
  let bridge: BridgeService
  let client: Client
  let kbToken: string

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return cliWith({}, ...argv)
  }
  async function cliWith(
    extraEnv: Record<string, string>,
    ...argv: string[]
  ): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const io: CliIO = {
      out: (s) => (out += s + '\n'),
      err: (s) => (err += s + '\n'),
      promptSecret: async () => undefined,
      isTTY: false,
    }
    const code = await runCli([...argv, '--data-dir', t.dir], {
      io,
      env: { ...env, ...extraEnv },
      kdf: TEST_KDF,
    })
    return { code, out, err }
  }
  /** The real command, as a user runs it. */
  function spawnCli(extraEnv: Record<string, string>, ...argv: string[]) {
    return new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...argv, '--data-dir', t.dir], {
        env: { ...process.env, ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      child.on('close', (code) => resolve({ code: code ?? -1, out, err }))
    })
  }
  const status = (name: string) => bridge.upstreams.status(name)

  beforeAll(async () => {
    oauth = await startOAuthMcpServer()
    bearer = await startBearerMcpServer({ token: STATIC_TOKEN })
    sse = await startBearerMcpServer({ transport: 'sse' })
    expect((await cli('init')).code).toBe(0)
    expect(
      (
        await cli(
          'credential',
          'add',
          '--service',
          'github',
          '--name',
          'personal',
          '--field',
          `token=${STATIC_TOKEN}`,
          '--no-validate',
        )
      ).code,
    ).toBe(0)
    core = await createCore({ dataDir: t.dir, runtime: 'node', env: {}, kdf: TEST_KDF })
    await core.ctx.vault.unlock({ password: PASSWORD }, 'cli')
    bridge = getBridge(core.ctx)
    bridge.upstreams.policy = { ...bridge.upstreams.policy, baseBackoffMs: 50, windowMs: 30_000 }
  }, 60_000)
  afterAll(async () => {
    await client?.close()
    await core?.close()
    await Promise.all([oauth?.close(), bearer?.close(), sse?.close()])
    t.cleanup()
    rmSync(browserLog, { force: true })
  })

  it('adds a remote server by URL; only https or loopback (or an allowed LAN host)', async () => {
    const add = await cli('upstream', 'add', '--name', 'remote', '--url', oauth.url, '--json')
    expect(add.code).toBe(0)
    expect((JSON.parse(add.out) as UpstreamSummary).remote).toMatchObject({ url: oauth.url, auth: 'none' })
    const lan = await cli('upstream', 'add', '--name', 'lan', '--url', 'http://192.168.1.20:8123/api/mcp')
    expect(lan.code).toBe(1)
    expect(lan.err).toMatch(/Plain http to 192\.168\.1\.20/)
    expect(
      (
        await cli(
          'upstream',
          'add',
          '--name',
          'lan',
          '--url',
          'http://192.168.1.20:8123/api/mcp',
          '--allow-http',
        )
      ).code,
    ).toBe(0)
    expect((await cli('upstream', 'rm', 'lan')).code).toBe(0)
    expect((await cli('upstream', 'add', '--name', 'x', '--url', 'ftp://example.com/')).code).toBe(1)
    expect(
      (await cli('upstream', 'add', '--name', 'x', '--url', oauth.url, '--transport', 'websocket')).code,
    ).toBe(2)
  })

  it('the running bridge shows "needs sign-in"; `upstream login` signs in through BROWSER and the bridge picks it up', async () => {
    await bridge.start({ host: '127.0.0.1', port: 0, approvalMode: 'approve_all' })
    await waitFor(() => status('remote').state === 'needs_sign_in')
    const login = await spawnCli({ FAKE_BROWSER_TAMPER: '1' }, 'upstream', 'login', 'remote')
    expect(login.err).toContain(`${oauth.origin}/authorize?`)
    expect(login.code, login.err).toBe(0)
    expect(login.out).toMatch(/Signed in to "remote"/)
    const runs = readFileSync(browserLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(runs.at(-1)).toMatchObject({ authorizeStatus: 302, tamperedStatus: 400, callbackStatus: 200 })
    // The secret never was on the opener's command line: only the authorization URL.
    expect(String(runs.at(-1)!['url'])).not.toContain('CANARY')
    await waitFor(() => status('remote').state === 'running', 15_000, 'the bridge to reconnect')

    kbToken = bridge.tokens.create({ name: 'App', scopes: [] }).token
    client = await connectClient(bridge.url!, kbToken)
    const who = JSON.parse(
      textOf(await client.callTool({ name: await toolName(client, 'remote', 'whoami'), arguments: {} })),
    )
    expect(who.authorizationSha256).toBe(sha256(`Bearer ${oauth.issued[0]}`))
    expect(oauth.headerValues.some((v) => v.includes(kbToken))).toBe(false)

    // A browser that never comes back: the wait ends, exit 1, nothing changes.
    const stuck = await cliWith({ BROWSER: 'true' }, 'upstream', 'login', 'remote', '--timeout', '1')
    expect(stuck.code).toBe(1)
    expect(stuck.err).toMatch(/No sign-in came back within 1 s/)
    expect(status('remote').state).toBe('running')

    const list = await cli('upstream', 'list')
    expect(list.out).toMatch(
      /remote\s+http:\/\/127\.0\.0\.1:\d+\/mcp \(streamable-http\).*signed in \(token until/,
    )
    // `bridge status` tells the grant's expiry too (read from the vault, whoever runs the bridge).
    const st = await spawnCli({}, 'bridge', 'status', '--json')
    expect(st.code, st.err).toBe(0)
    const remote = (JSON.parse(st.out) as { upstreams: Record<string, unknown>[] }).upstreams.find(
      (u) => u['name'] === 'remote',
    )
    expect(remote).toMatchObject({ auth: 'signed_in', grantExpiresAt: expect.any(Number) })
    expect(remote!['grantExpiresAt']).toBeGreaterThan(Date.now())
    expect((await spawnCli({}, 'bridge', 'status')).out).toMatch(
      /remote\s+stopped, signed in \(token until \d{4}-/,
    )
  }, 60_000)

  it('a static header from the vault reaches the server; the legacy SSE transport works and reconnects', async () => {
    const added = await core.invoke('bridge.upstream.addRemote', {
      name: 'plain',
      url: bearer.url,
      headers: { Authorization: 'Bearer {{credential:github/personal.token}}', 'X-Trace': 'kb-test' },
    })
    expect(added.ok).toBe(true)
    expect((added as { data: UpstreamSummary }).data.remote?.headers).toEqual([
      { key: 'Authorization', kind: 'literal', reference: null },
      { key: 'X-Trace', kind: 'literal', reference: null },
    ])
    expect(
      (await core.invoke('bridge.upstream.addRemote', { name: 'legacy', url: sse.url, transport: 'sse' })).ok,
    ).toBe(true)
    await waitFor(() => status('plain').state === 'running' && status('legacy').state === 'running')
    await client.close()
    client = await connectClient(bridge.url!, kbToken)
    const who = JSON.parse(
      textOf(await client.callTool({ name: await toolName(client, 'plain', 'whoami'), arguments: {} })),
    )
    expect(who.authorizationSha256).toBe(sha256(`Bearer ${STATIC_TOKEN}`))
    const echo = await client.callTool({
      name: await toolName(client, 'legacy', 'echo'),
      arguments: { text: 'over sse' },
    })
    expect(textOf(echo)).toBe('over sse')
    // The SSE server drops its streams (a restart): Keybridge reconnects behind its breaker.
    sse.dropSse()
    await waitFor(
      () => status('legacy').restarts >= 1 && status('legacy').state === 'running',
      15_000,
      'an SSE reconnect',
    )
    const again = await client.callTool({
      name: await toolName(client, 'legacy', 'echo'),
      arguments: { text: 'again' },
    })
    expect(textOf(again)).toBe('again')
    // A result that echoes the header's secret is redacted like any stored secret.
    const leak = await client.callTool({
      name: await toolName(client, 'plain', 'echo'),
      arguments: { text: STATIC_TOKEN },
    })
    expect(textOf(leak)).not.toContain(STATIC_TOKEN)
  }, 60_000)

  it('probes a bearer server (vault header), a legacy SSE server, an OAuth server; refuses a non-MCP or unreachable URL', async () => {
    const plain = await cli(
      'upstream',
      'probe',
      bearer.url,
      '--header',
      'Authorization=Bearer {{credential:github/personal.token}}',
      '--json',
    )
    expect(plain.code, plain.err).toBe(0)
    const p = JSON.parse(plain.out)
    expect(p).toMatchObject({
      serverName: 'bearer-fake',
      serverVersion: '2.5.0',
      transport: 'streamable-http',
      signedIn: false,
    })
    expect(p.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(p.capabilities).toEqual(expect.arrayContaining(['tools']))
    expect(p.tools).toEqual(['whoami', 'echo', 'admin_op'])
    const denied = await cli('upstream', 'probe', bearer.url)
    expect(denied.code).toBe(1)
    expect(denied.err).toMatch(/401/)

    const legacy = await cli('upstream', 'probe', sse.url, '--json')
    expect(legacy.code, legacy.err).toBe(0)
    expect(JSON.parse(legacy.out)).toMatchObject({ serverName: 'sse-fake', transport: 'sse' })

    const signed = await cli('upstream', 'probe', oauth.url, '--json')
    expect(signed.code, signed.err).toBe(0)
    expect(JSON.parse(signed.out)).toMatchObject({
      serverName: 'oauth-fake',
      signedIn: true,
      tools: ['whoami', 'echo', 'admin_op'],
    })
    expect(signed.err).toContain('/authorize?')
    // The detached fake browser logs after the redirect: wait for it, so nothing is written after cleanup.
    await waitFor(() => readFileSync(browserLog, 'utf8').trim().split('\n').length >= 2)

    const web = await startNotMcpServer()
    try {
      const r = await cli('upstream', 'probe', web.url)
      expect(r.code).toBe(1)
      expect(r.err).toMatch(/not an MCP server|HTTP/)
    } finally {
      await web.close()
    }
    const gone = await cli('upstream', 'probe', 'http://127.0.0.1:9/mcp')
    expect(gone.code).toBe(1)
    expect(gone.err).toMatch(/did not answer/)
    // A redirect to another host is not followed.
    const away = await startBearerMcpServer({
      redirectTo: `http://localhost:${new URL(bearer.url).port}/mcp`,
    })
    try {
      const r = await cli('upstream', 'probe', away.url, '--header', `Authorization=Bearer ${STATIC_TOKEN}`)
      expect(r.code).toBe(1)
      expect(bearer.headerValues.filter((v) => v.includes('localhost'))).toEqual([])
    } finally {
      await away.close()
    }
  }, 90_000)

  it('keeps every issued token and header secret out of the data dir, audit rows and outputs', async () => {
    core.ctx.db.pragma('wal_checkpoint(PASSIVE)')
    expect(filesContaining(t.dir, ['CANARY', STATIC_TOKEN])).toEqual([])
    const audit = JSON.stringify(core.ctx.db.prepare('SELECT * FROM audit_log').all())
    expect(audit).not.toContain('CANARY')
    expect(audit).not.toContain(STATIC_TOKEN)
    const listed = await cli('upstream', 'list', '--json')
    expect(listed.out).not.toContain('CANARY')
    expect(listed.out).not.toContain(STATIC_TOKEN)
  })
})

import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../../electron/core/app'
import { BridgeHttpServer } from '../../../electron/core/bridge/http-server'
import { RateLimiter } from '../../../electron/core/bridge/rate-limit'
import { cliInProcess, spawnCli } from '../../helpers/cli-process'
import { makeCore, TEST_KDF, tempDir } from '../../helpers/core'
import { getBridge } from '../../../electron/core/bridge/feature'
import { startBridge, waitFor } from './support'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
const PASSWORD = 'binding test password'

/** GET /health from a chosen local address, with a chosen Host header. */
function health(port: number, from: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/health', localAddress: from, headers: { Host: host }, agent: false },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** A process that holds a port on 127.0.0.1, as a squatter would. */
async function squatter(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  const port = Number(await waitFor(() => /^(\d+)\n/.exec(out)?.[1], 10_000, 'squatter port'))
  return { child, port }
}

describe('where the bridge listens, and who may talk to it', () => {
  it('refuses a peer that is not this machine from the socket address, whatever Host it sends', async () => {
    // "This machine" narrowed to 127.0.0.1, so that 127.0.0.2 can play the remote peer.
    const server = new BridgeHttpServer({
      version: 't',
      verify: () => ({ ok: false, reason: 'missing' }),
      rateLimiter: new RateLimiter(100, Date.now),
      newServer: () => {
        throw new Error('not used')
      },
      isLocalPeer: (a) => a === '127.0.0.1',
    })
    await server.listen('127.0.0.1', 0)
    try {
      const host = `127.0.0.1:${server.port}`
      expect((await health(server.port, '127.0.0.1', host)).status).toBe(200)
      const remote = await health(server.port, '127.0.0.2', host)
      expect(remote.status).toBe(403)
      expect(remote.body).toContain('from this computer only')
    } finally {
      await server.close()
    }
  })

  it('with the default rule every loopback peer is this machine', async () => {
    const env = await startBridge()
    try {
      expect((await health(env.port, '127.0.0.2', `127.0.0.1:${env.port}`)).status).toBe(200)
    } finally {
      await env.dispose()
    }
  })

  it('shows the real bound address, and a saved non-loopback address does not widen the bind by itself', async () => {
    const env = await startBridge()
    try {
      await env.bridge.stop()
      let s = await env.bridge.start({ host: '127.0.0.2', port: 0 })
      expect(s).toMatchObject({ address: `127.0.0.2:${s.port}`, exposed: false, exposureHeldBack: null })
      expect(s.url).toBe(`http://127.0.0.2:${s.port}/mcp`)
      await env.bridge.stop()

      // As a backup import or "bridge config --host" would leave it.
      env.bridge.setConfig({ host: '0.0.0.0', port: 0 })
      const notified: string[] = []
      env.core.ctx.options.notify = (n) => notified.push(n.body)
      s = await env.bridge.start({ approvalMode: 'ask' })
      expect(s).toMatchObject({ address: `127.0.0.1:${s.port}`, exposed: false, exposureHeldBack: '0.0.0.0' })
      expect(s.allowedHosts.sort()).toEqual(['127.0.0.1', '[::1]', 'localhost'])
      expect(notified.at(-1)).toContain('0.0.0.0 would make it reachable from your network')
    } finally {
      await env.dispose()
    }
  })

  it('a taken port is reported loudly with the process holding it', async () => {
    const { child, port } = await squatter()
    const env = await startBridge()
    try {
      await env.bridge.stop()
      const e = await env.bridge.start({ host: '127.0.0.1', port }).catch((err: Error) => err)
      expect(e).toBeInstanceOf(Error)
      expect((e as Error).message).toContain(`already in use by another program (pid ${child.pid}, node)`)
      expect((e as Error).message).toMatch(/rotate those client tokens/)
    } finally {
      child.kill()
      await env.dispose()
    }
  })

  it("the desktop's confirmation binds the address asked for, audited", async () => {
    const env = await startBridge()
    try {
      const r = await env.core.invoke('bridge.expose', { host: '127.0.0.2' })
      expect(r.ok).toBe(true)
      const s = (r as { data: { address: string; url: string } }).data
      expect(s.address).toMatch(/^127\.0\.0\.2:\d+$/)
      expect(env.bridge.url).toBe(`http://${s.address}/mcp`)
      const row = env.core.ctx.db
        .prepare("SELECT actor, target FROM audit_log WHERE action = 'bridge_exposed'")
        .get() as { actor: string; target: string }
      expect(row).toEqual({ actor: 'ui', target: s.address })
    } finally {
      await env.dispose()
    }
  })

  it('the desktop app, finding its port taken at start, notifies the user with the owner', async () => {
    const { child, port } = await squatter()
    const t = tempDir('kb-binding-desktop-')
    try {
      // Bridge settings are signed with the vault key: changing them needs the vault open.
      const first = await makeCore({ dataDir: t.dir, unlocked: true })
      expect((await first.invoke('bridge.config.set', { enabled: true, port })).ok).toBe(true)
      await first.close()
      const notified: { title: string; body: string }[] = []
      const app = await makeCore({ dataDir: t.dir, runtime: 'electron', notify: (n) => notified.push(n) })
      try {
        expect(getBridge(app.ctx).running).toBe(false)
        expect(notified.at(-1)?.title).toBe('Keybridge: the bridge did not start')
        expect(notified.at(-1)?.body).toContain(`pid ${child.pid}`)
      } finally {
        await app.close()
      }
    } finally {
      child.kill()
      t.cleanup()
    }
  })

  describe('keybridge serve', () => {
    const t = tempDir('kb-binding-cli-')
    const env = { KEYBRIDGE_PASSWORD: PASSWORD }
    beforeAll(async () => {
      expect((await cliInProcess(['init', '--data-dir', t.dir], env)).code).toBe(0)
    })
    afterAll(() => t.cleanup())

    it('exits 1 naming the process that holds the port', async () => {
      const { child, port } = await squatter()
      try {
        // The real command: serve runs the bridge in a child process whose stderr is the command's.
        const r = await spawnCli(['serve', '--port', String(port), '--data-dir', t.dir], { env })
        expect(r.code).toBe(1)
        expect(r.err).toContain(`pid ${child.pid}`)
      } finally {
        child.kill()
      }
    })

    it('a saved 0.0.0.0 is held back: the banner shows the loopback address it really uses, and why', async () => {
      // As "bridge config --host" or an imported backup would leave it.
      const core = await createCore({ dataDir: t.dir, runtime: 'node', env: {}, kdf: TEST_KDF })
      try {
        expect((await core.invoke('vault.unlock', { password: PASSWORD }, { actor: 'cli' })).ok).toBe(true)
        const set = await core.invoke('bridge.config.set', { host: '0.0.0.0', port: 0 }, { actor: 'cli' })
        expect(set.ok).toBe(true)
      } finally {
        await core.close()
      }
      const child = spawn(process.execPath, [bin, 'serve', '--data-dir', t.dir], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      try {
        const url = await waitFor(() => /listening on (\S+)/.exec(out)?.[1], 30_000, 'serve URL')
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
        expect(err).toContain('The saved bridge address 0.0.0.0 is not loopback')
        expect(err).toContain('--host 0.0.0.0')
        expect(err).not.toContain('WARNING')
      } finally {
        child.kill('SIGTERM')
        expect(await exited).toBe(0)
      }
    }, 60_000)
  })
})

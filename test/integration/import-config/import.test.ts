import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import type { ImportPlan, ImportResult } from '../../../shared/ipc/importConfig'
import { parseJsonc, toValue } from '../../../electron/core/import-config/jsonc'
import { tempDir } from '../../helpers/core'
import { connectClient, startBridge, textOf, waitFor } from '../bridge/support'
import { startBearerMcpServer, type BearerFake } from '../../fakes/mcp-oauth/bearer-server'
import { copyFixture, FIXTURE_SECRETS } from './support'

const sha = (v: string) => createHash('sha256').update(v).digest('hex')

/** What the app would use to reach the bridge: URL and Authorization header of the rewritten entry. */
function bridgeAccess(rewritten: string, format: string): { url: string; authorization: string } {
  const config = toValue(parseJsonc(rewritten, 'config').root) as Record<
    string,
    Record<string, Record<string, unknown>>
  >
  const servers =
    format === 'vscode-settings'
      ? (config['mcp'] as unknown as Record<string, Record<string, Record<string, unknown>>>)['servers']
      : (config['mcpServers'] ?? config['servers'])
  const entry = servers['keybridge'] as {
    url?: string
    headers?: Record<string, string>
    args?: string[]
    env?: Record<string, string>
  }
  if (format === 'claude') {
    // Claude Desktop reaches it through mcp-remote: URL in args, header value in env.
    expect(entry.args?.[0]).toBe('mcp-remote')
    expect(entry.args?.[3]).toBe('Authorization:${AUTH}')
    return { url: entry.args![1], authorization: entry.env!['AUTH'] }
  }
  return { url: entry.url!, authorization: entry.headers!['Authorization'] }
}

describe('import from each app, rewrite, and use through the bridge', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let files: ReturnType<typeof tempDir>

  let remote: BearerFake

  beforeAll(async () => {
    remote = await startBearerMcpServer({})
    env = await startBridge({ approvalMode: 'approve_all' })
    env.bridge.upstreams.policy = { ...env.bridge.upstreams.policy, baseBackoffMs: 50 }
    files = tempDir('kb-import-')
  })
  afterAll(async () => {
    await env.dispose()
    await remote.close()
    files.cleanup()
  })

  const cases: [string, string, string][] = [
    ['claude_desktop_config.json', 'claude', 'Claude Desktop'],
    ['cursor/.cursor/mcp.json', 'cursor', 'Cursor'],
    ['lmstudio/.lmstudio/mcp.json', 'lmstudio', 'LM Studio'],
    ['vscode/.vscode/mcp.json', 'vscode', 'VS Code'],
    ['vscode-settings/settings.json', 'vscode-settings', 'VS Code (settings.json)'],
  ]

  for (const [rel, format, app] of cases) {
    it(`${app}: finds every secret, stores it sealed, runs its servers with it, and rewrites the config`, async () => {
      const path = copyFixture(rel, files.dir, { runnable: true, remoteUrl: remote.url })
      const original = readFileSync(path, 'utf8')
      const secrets = FIXTURE_SECRETS[rel]
      const before = env.core.ctx.credentials.count()

      const preview = await env.core.invoke('importConfig.preview', { path })
      expect(preview.ok).toBe(true)
      const plan = (preview as { data: ImportPlan }).data
      expect(plan.format).toBe(format)
      expect(plan.app).toBe(app)
      for (const s of secrets) {
        const c = plan.credentials.find((x) =>
          x.sources.some((src) => src.server === s.server && src.key === s.key),
        )
        expect(c, `${s.server}/${s.key}`).toBeDefined()
        expect(c!.include).toBe(true)
        expect(c!.service).toBe(s.service)
        expect(c!.masked).toContain('…')
      }
      expect(plan.credentials.filter((c) => c.include)).toHaveLength(secrets.length)
      const planText = JSON.stringify(plan)
      for (const s of secrets) expect(planText).not.toContain(s.value)
      expect(plan.rewrite.possible).toBe(true)
      expect(plan.rewrite.diff).toContain('+++ b/')
      // Nothing is written by a preview.
      expect(readFileSync(path, 'utf8')).toBe(original)
      expect(env.core.ctx.credentials.count()).toBe(before)

      const applied = await env.core.invoke('importConfig.apply', {
        path,
        fingerprint: plan.fingerprint,
        rewrite: true,
      })
      expect(applied.ok, JSON.stringify(applied)).toBe(true)
      const result = (applied as { data: ImportResult }).data
      expect(result.credentials).toHaveLength(secrets.length)

      // Stored sealed: the values open from the vault, and no file of the data dir holds them in the clear.
      for (const s of secrets) {
        const c = result.credentials.find(
          (x) => x.service === s.service && x.name === (s.server ?? '').toLowerCase(),
        )
        expect(c, `${s.service}/${s.server}`).toBeDefined()
        expect(Object.values(env.core.ctx.credentials.openSecrets(c!.id))).toEqual([s.value])
        expect(env.core.ctx.credentials.get(c!.id).status).toBe('unvalidated')
      }
      env.core.ctx.db.pragma('wal_checkpoint(TRUNCATE)')
      for (const f of readdirSync(env.core.dataDir)) {
        const bytes = readFileSync(join(env.core.dataDir, f))
        for (const s of secrets) expect(bytes.includes(s.value), `${f} holds ${s.key}`).toBe(false)
      }

      // The rewritten config holds no secret, no copy lies beside it (the original is sealed in the
      // vault), the diff is masked.
      const rewritten = readFileSync(path, 'utf8')
      for (const s of secrets) expect(rewritten).not.toContain(s.value)
      expect(result.rewrite!.backupPath).toBeNull()
      expect(result.rewrite!.undo.restore).toContain('keybridge import-config --restore')
      for (const f of readdirSync(join(path, '..'))) {
        const bytes = readFileSync(join(path, '..', f))
        for (const s of secrets) expect(bytes.includes(s.value), `${f} holds ${s.key}`).toBe(false)
      }
      expect(
        env.core.ctx.db.prepare('SELECT COUNT(*) FROM config_undo WHERE path = ?').pluck().get(path),
      ).toBe(1)
      expect(original).not.toBe(rewritten)
      for (const s of secrets) expect(result.rewrite!.diff).not.toContain(s.value)
      expect(result.rewrite!.diff).not.toMatch(/kb_[A-Za-z0-9_-]{43}/)
      expect(JSON.stringify(result)).not.toMatch(/kb_[A-Za-z0-9_-]{43}/)
      expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([])

      // The app's new entry reaches the bridge; the imported servers run there with their secrets.
      const access = bridgeAccess(rewritten, format)
      expect(access.url).toBe(env.url)
      const stdio = secrets.filter((s) => plan.servers.find((x) => x.id === s.server)?.action === 'upstream')
      for (const u of result.upstreams) {
        // Imported servers arrive disabled; the user enables each one.
        const before = (await env.core.invoke('bridge.upstream.status', { name: u.name })) as {
          data: UpstreamSummary
        }
        expect(before.data.enabled).toBe(false)
        await env.core.invoke('bridge.upstream.setEnabled', { name: u.name, enabled: true })
        await waitFor(
          async () => {
            const r = await env.core.invoke('bridge.upstream.status', { name: u.name })
            return (r as { data: UpstreamSummary }).data.state === 'running' || undefined
          },
          20_000,
          `${u.name} running`,
        )
      }
      const client = await connectClient(access.url, access.authorization.replace(/^Bearer /, ''))
      try {
        const tools = (await client.listTools()).tools.map((t) => t.name)
        const isRemote = (u: { from: string }) =>
          plan.servers.find((x) => x.id === u.from)?.action === 'remote'
        // The bridge's exposed name of an upstream tool (`claude-helper` + `report_env` → `claude_helper_report_env`).
        const exposed = (upstream: string, tool: string) =>
          tools.find((t) => t === `${upstream.replace(/[^A-Za-z0-9]+/g, '_')}_${tool}`)
        for (const u of result.upstreams.filter((x) => !isRemote(x)))
          expect(exposed(u.name, 'report_env')).toBeDefined()
        // #18: a URL server is now a remote upstream: its header (sealed, or a vault reference) reaches it.
        expect(result.upstreams.filter(isRemote)).toHaveLength(
          plan.servers.filter((x) => x.action === 'remote' && x.include).length,
        )
        for (const u of result.upstreams.filter(isRemote)) {
          const whoami = exposed(u.name, 'whoami')!
          const got = JSON.parse(textOf(await client.callTool({ name: whoami, arguments: {} })))
          const s = secrets.find((x) => x.server === u.from && x.key.toLowerCase() === 'authorization')
          if (s) expect(got.authorizationSha256, `${u.from} header`).toBe(sha(`Bearer ${s.value}`))
        }
        for (const s of stdio) {
          const upstream = result.upstreams.find((u) => u.from === s.server)!
          const r = await client.callTool({
            name: exposed(upstream.name, 'report_env')!,
            arguments: { name: s.key },
          })
          const got = JSON.parse(textOf(r)) as { present: boolean; sha256: string }
          const expected = s.key === 'AUTH_HEADER' ? `Bearer ${s.value}` : s.value
          expect(got.sha256, `${s.server} ${s.key}`).toBe(sha(expected))
        }
      } finally {
        await client.close()
      }
      // Leave the bridge clean for the next app.
      for (const u of result.upstreams) await env.core.invoke('bridge.upstream.remove', { name: u.name })
      expect(existsSync(path)).toBe(true)
    })
  }
})

import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { auditTableBytes, capAuditSize } from '../../../electron/core/vault/audit-retention'
import { connectClient, startBridge } from './support'

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}

/** A test tool's exposed name, however the bridge spells names (`test.read_thing` or `test_read_thing`). */
let N: Record<string, string> = {}

describe('audit rows and the audit table stay bounded', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let client: Client
  const flush = () => env.bridge['auditWriter'].flush()

  beforeAll(async () => {
    env = await startBridge()
    const exposed = [...(await env.bridge.registry.tools()).keys()]
    N = Object.fromEntries(
      ['test.read_thing'].map((n) => [n, exposed.find((e) => e === n || e === n.replace('.', '_'))!]),
    )
    client = await connectClient(env.url, env.token)
  })
  afterAll(async () => {
    await client.close()
    await env.dispose()
  })

  it('40 calls with ~1 MB arguments grow the data folder by a bounded amount; rows keep a marked 4 KiB summary', async () => {
    flush()
    env.core.ctx.db.pragma('wal_checkpoint(TRUNCATE)')
    const before = folderBytes(env.core.dataDir)
    const big = 'A'.repeat(1000 * 1000)
    for (let i = 0; i < 40; i++)
      await client.callTool({ name: N['test.read_thing'], arguments: { text: big, n: i } })
    expect(env.tools.calls.filter((c) => c.tool === 'read_thing')).toHaveLength(40)
    flush()
    env.core.ctx.db.pragma('wal_checkpoint(TRUNCATE)')
    const grown = folderBytes(env.core.dataDir) - before
    // 40 MB of arguments; what is kept is 40 summaries of 4 KiB (plus pages SQLite allocates).
    expect(grown).toBeLessThan(2 * 1024 * 1024)
    const row = env.core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'tool_call' ORDER BY id DESC LIMIT 1")
      .get() as { detail: string }
    const args = JSON.parse(row.detail).arguments as {
      truncated: boolean
      originalBytes: number
      preview: string
    }
    expect(args.truncated).toBe(true)
    expect(args.originalBytes).toBeGreaterThan(1000 * 1000)
    expect(args.preview.length).toBeLessThanOrEqual(4096)
    expect(args.preview.startsWith('{"text":"AAAA')).toBe(true)
    expect(row.detail.length).toBeLessThan(5000)
  }, 60_000)

  it('beyond its size cap the audit table loses its oldest rows first, and says so', async () => {
    const cap = 256 * 1024
    env.core.ctx.settings.set('audit.maxBytes', cap)
    const firstId = (env.core.ctx.db.prepare('SELECT MIN(id) AS id FROM audit_log').get() as { id: number })
      .id
    const text = 'B'.repeat(3000)
    for (let i = 0; i < 600; i++)
      await client.callTool({ name: N['test.read_thing'], arguments: { text, i } })
    flush()
    // The bridge checks every 500 rows it writes: the cap holds within one interval of rows...
    const size = auditTableBytes(env.core.ctx.db)
    expect(size.bytes).toBeLessThanOrEqual(cap + 500 * (size.bytes / size.rows))
    // ...and exactly after a check (the daily one, or the next interval).
    capAuditSize(env.core.ctx)
    expect(auditTableBytes(env.core.ctx.db).bytes).toBeLessThanOrEqual(cap)
    const oldest = (env.core.ctx.db.prepare('SELECT MIN(id) AS id FROM audit_log').get() as { id: number }).id
    expect(oldest).toBeGreaterThan(firstId)
    // The newest calls are all there.
    const last = env.core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'tool_call' ORDER BY id DESC LIMIT 1")
      .get() as { detail: string }
    expect(JSON.parse(last.detail).arguments.i).toBe(599)
    const pruned = env.core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'audit_pruned' ORDER BY id DESC LIMIT 1")
      .get() as { detail: string }
    expect(JSON.parse(pruned.detail)).toMatchObject({ reason: 'size', maxBytes: cap })
  }, 60_000)
})

import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { VAULT_FILE } from '../../../electron/core/app'
import { makeCore, TEST_PASSWORD } from '../../helpers/core'
import { MemoryClipboard } from '../../unit/credentials/memory-clipboard'
import { credential } from '../../unit/vault/fixtures'

/** Every canary shares this marker, so "marker absent" proves "no canary present" in one pass. */
const MARKER = 'kbcanary7Q'
const canary = () => MARKER + randomBytes(18).toString('base64url')

describe('canary: no stored secret ever reaches the disk, the audit trail or the console in clear', () => {
  let dispose = async () => {}
  afterEach(async () => {
    vi.restoreAllMocks()
    await dispose()
  })

  it('1,000+ random secrets stored, used, revealed, copied, updated, rotated and deleted', async () => {
    const captured: string[] = []
    const capture = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '))
    }
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, m).mockImplementation(capture)
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (capture(String(c)), true))
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((c) => (capture(String(c)), true))

    const core = await makeCore({ unlocked: true, clipboard: new MemoryClipboard() })
    dispose = core.dispose
    const secrets: string[] = []
    const ids: string[] = []
    core.ctx.db.transaction(() => {
      for (let i = 0; i < 500; i++) {
        const s = { token: canary(), refresh: canary() }
        secrets.push(s.token, s.refresh)
        const c = core.ctx.credentials.create(
          credential({
            service: `canary${i % 10}`,
            name: `acct ${i}`,
            secrets: s,
            fields: { email: `u${i}@x.test` },
          }),
          'ui',
        )
        ids.push(c.id)
      }
    })()
    expect(secrets.length).toBeGreaterThanOrEqual(1000)
    for (const id of ids.slice(0, 200))
      core.ctx.credentials.readSecrets(id, { actor: 'bridge', action: 'used' })
    for (const id of ids.slice(0, 30)) {
      expect((await core.invoke('credentials.reveal', { id, field: 'token' })).ok).toBe(true)
      expect((await core.invoke('credentials.copy', { id, field: 'refresh' })).ok).toBe(true)
    }
    for (const id of ids.slice(100, 300)) {
      const next = canary()
      secrets.push(next)
      core.ctx.credentials.update(id, { secrets: { token: next } }, 'ui')
    }
    for (const id of ids.slice(400, 500))
      expect((await core.invoke('credentials.delete', { id })).ok).toBe(true)
    expect((await core.invoke('vault.rotateKey', { password: TEST_PASSWORD })).ok).toBe(true)
    // Failed calls must not echo secrets either.
    await core.invoke('credentials.reveal', { id: ids[450], field: 'token' })
    await core.invoke('vault.lock', {})
    await core.invoke('credentials.reveal', { id: ids[0], field: 'token' })

    const file = join(core.dataDir, VAULT_FILE)
    const read = (suffix: string) =>
      existsSync(file + suffix) ? readFileSync(file + suffix) : Buffer.alloc(0)
    const audit = JSON.stringify(core.ctx.db.prepare('SELECT * FROM audit_log').all())
    expect(audit.length).toBeGreaterThan(10_000)

    const assertClean = (what: string, bytes: Buffer) => {
      expect(bytes.indexOf(MARKER), `${what} holds a canary`).toBe(-1)
      expect(bytes.indexOf(Buffer.from(MARKER, 'utf16le')), `${what} holds a UTF-16 canary`).toBe(-1)
      for (const s of secrets) if (bytes.includes(s)) throw new Error(`${what} holds a secret`)
    }
    // Before a checkpoint: the WAL holds every recent page.
    const wal = read('-wal')
    expect(wal.length).toBeGreaterThan(0)
    for (const [what, bytes] of [
      ['vault.sqlite', read('')],
      ['vault.sqlite-wal', wal],
      ['vault.sqlite-shm', read('-shm')],
      ['audit rows', Buffer.from(audit)],
    ] as const)
      assertClean(what, bytes)
    // After a checkpoint and after closing: the main file holds everything.
    core.ctx.db.pragma('wal_checkpoint(TRUNCATE)')
    for (const suffix of ['', '-wal', '-shm']) assertClean(`checkpointed vault.sqlite${suffix}`, read(suffix))
    await core.close()
    assertClean('closed vault.sqlite', read(''))

    stdout.mockRestore()
    stderr.mockRestore()
    assertClean('console output', Buffer.from(captured.join('\n')))
  })
})

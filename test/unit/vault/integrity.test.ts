import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { ManualClock } from '../../../electron/core/clock'
import type { IntegrityReport } from '../../../shared/ipc/vault'
import { INIT_BODY, MCP_HEADERS, rawRequest } from '../../integration/bridge/support'
import { makeCore, TEST_PASSWORD, tempDir } from '../../helpers/core'

const report = async (core: Awaited<ReturnType<typeof makeCore>>) =>
  ((await core.invoke('vault.integrity', undefined)) as { ok: true; data: IntegrityReport }).data

describe('vault integrity: rollback, upgrade signing, rotation, password strength, throttling', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('rolling the vault file back to an older copy is detected at unlock (keychain generation)', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const file = join(t.dir, 'vault.sqlite')
    const first = await makeCore({ dataDir: t.dir, unlocked: true })
    const { token } = getBridge(first.ctx).tokens.create({ name: 'Laptop', scopes: [] })
    expect((await report(first)).rollback).toBeNull()
    await first.close()
    copyFileSync(file, join(t.dir, 'old.sqlite'))

    const second = await makeCore({ dataDir: t.dir })
    await second.ctx.vault.unlock({}, 'ui')
    getBridge(second.ctx).revokeToken('Laptop')
    const generation = (await report(second)).generation!
    await second.close()

    // The attacker puts the older file back: the revoked token would be alive again.
    copyFileSync(join(t.dir, 'old.sqlite'), file)
    for (const f of ['vault.sqlite-wal', 'vault.sqlite-shm']) rmSync(join(t.dir, f), { force: true })
    const third = await makeCore({ dataDir: t.dir })
    cleanups.push(() => third.close())
    await third.ctx.vault.unlock({}, 'ui')
    const r = await report(third)
    expect(r.rollbackDetection).toBe(true)
    expect(r.rollback).toMatchObject({ expected: generation })
    expect(r.rollback!.found).toBeLessThan(generation)
    expect(r.rollback!.message).toMatch(/older than the one Keybridge last saw/)
    const audited = third.ctx.db
      .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'rollback_detected'")
      .pluck()
      .get()
    expect(audited).toBe(1)

    // Until the user reviews it, the bridge accepts no token (the revived one included).
    const bridge = getBridge(third.ctx)
    await bridge.start({ host: '127.0.0.1', port: 0 })
    const port = Number(new URL(bridge.url!).port)
    const ask = () =>
      rawRequest(port, {
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
        body: JSON.stringify(INIT_BODY),
      })
    const refused = await ask()
    expect(refused.status).toBe(503)
    expect(refused.body).toContain('rolled back')
    // Accepted (the user restored it on purpose): flagged no more, and the file is ahead again.
    const accepted = (await third.invoke('vault.integrity.acceptRollback', undefined)) as {
      data: IntegrityReport
    }
    expect(accepted.data.rollback).toBeNull()
    expect(accepted.data.generation).toBeGreaterThan(generation)
    expect((await ask()).status).toBe(200)
    await bridge.stop()
  })

  it('password-only headless mode keeps no generation outside the file: it says so', async () => {
    const core = await makeCore({ osProtector: undefined })
    cleanups.push(core.dispose)
    await core.ctx.vault.create({ mode: 'password', password: TEST_PASSWORD, autoLockMinutes: 15 }, 'ui')
    expect(await report(core)).toMatchObject({ checked: true, rollbackDetection: false, rollback: null })
  })

  it('signs existing rows at the first unlock after the upgrade, and re-signs a migrated module', async () => {
    const core = await makeCore({ unlocked: true })
    cleanups.push(core.dispose)
    getBridge(core.ctx).tokens.create({ name: 'Old', scopes: [] })
    // As before this version: no MACs, no integrity record.
    core.ctx.db.exec(
      "DELETE FROM row_macs; DELETE FROM vault_meta WHERE key IN ('integrity', 'integrity_mac')",
    )
    expect((await report(core)).tampered.map((t) => t.label)).toEqual(['Old'])
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect((await report(core)).tampered).toEqual([])
    const init = core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'integrity_initialized'")
      .pluck()
      .get() as string
    expect(JSON.parse(init)).toMatchObject({ rows: expect.any(Number) })

    // This build brought a bridge migration that rewrote a row (as a new column would): the record
    // says bridge was one version behind, so its tables are re-signed at unlock; other modules' not.
    const json = core.ctx.db
      .prepare("SELECT value FROM vault_meta WHERE key = 'integrity'")
      .pluck()
      .get() as string
    const rec = JSON.parse(json) as { schema: Record<string, number> }
    rec.schema['bridge'] -= 1
    const older = JSON.stringify(rec)
    core.ctx.db
      .prepare('UPDATE vault_meta SET value = ? WHERE key = ?')
      .run(core.ctx.keyring.mac('kb-integrity-v1\u0000' + older).toString('base64'), 'integrity_mac')
    core.ctx.db.prepare("UPDATE vault_meta SET value = ? WHERE key = 'integrity'").run(older)
    core.ctx.db.exec('UPDATE bridge_tokens SET scopes = \'["x.*"]\'')
    core.ctx.settings.set('vault.autoLockMinutes', 5)
    core.ctx.credentials.create(
      {
        service: 'github',
        name: 'changed',
        account: null,
        fields: {},
        secrets: { token: 't' },
        status: 'active',
        lastValidatedAt: null,
        validationError: null,
        expiresAt: null,
        metadata: {},
      },
      'ui',
    )
    core.ctx.db.exec("UPDATE credentials SET name = 'renamed'")
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect((await report(core)).tampered.map((t) => `${t.table}/${t.label}`)).toEqual(['credentials/renamed'])
    const resigned = core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'integrity_resigned'")
      .pluck()
      .get() as string
    expect(JSON.parse(resigned)).toMatchObject({
      reason: 'upgrade',
      tables: expect.arrayContaining(['bridge_tokens']),
    })
  })

  it('an integrity record changed outside Keybridge is reported and blesses nothing', async () => {
    const core = await makeCore({ unlocked: true })
    cleanups.push(core.dispose)
    getBridge(core.ctx).tokens.create({ name: 'T', scopes: [] })
    core.ctx.db.exec(
      'UPDATE vault_meta SET value = \'{"v":1,"generation":1,"schema":{}}\' WHERE key = \'integrity\'',
    )
    core.ctx.db.exec('UPDATE bridge_tokens SET scopes = \'["*"]\'')
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect((await report(core)).tampered.map((t) => `${t.table}/${t.label}`)).toEqual([
      'vault_meta/integrity record',
      'bridge_tokens/T',
    ])
  })

  it('key rotation re-signs every row under the new key; a tampered row stays refused', async () => {
    const core = await makeCore({ unlocked: true })
    cleanups.push(core.dispose)
    const bridge = getBridge(core.ctx)
    bridge.tokens.create({ name: 'Kept', scopes: [] })
    bridge.tokens.create({ name: 'Bad', scopes: [] })
    core.ctx.db.exec("UPDATE bridge_tokens SET scopes = '[\"*\"]' WHERE name = 'Bad'")
    const res = await core.invoke('vault.rotateKey', { password: TEST_PASSWORD })
    expect(res).toMatchObject({ ok: true, data: { keyVersion: 2 } })
    expect((await report(core)).tampered.map((t) => t.label)).toEqual(['Bad'])
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect((await report(core)).tampered.map((t) => t.label)).toEqual(['Bad'])
  })

  it('refuses a weak master password with the estimator reason (WEAK_PASSWORD + params)', async () => {
    const core = await makeCore()
    cleanups.push(core.dispose)
    for (const pw of ['password', 'keybridge1', 'qwertyuiop', 'Summer2024!']) {
      const r = await core.invoke('vault.create', { mode: 'keychain+password', password: pw })
      expect(r, pw).toMatchObject({
        ok: false,
        error: {
          code: 'WEAK_PASSWORD',
          message: expect.stringMatching(/too easy to guess \(strength [0-2] of 4, 3 needed\)/),
          params: { score: expect.any(Number), minScore: 3 },
        },
      })
    }
    const common = (await core.invoke('vault.create', {
      mode: 'password',
      password: 'password',
    })) as unknown as {
      error: { message: string; params: { warning: string } }
    }
    expect(common.error.params.warning).toMatch(/heavily used password/i)
    expect(common.error.message).toContain(common.error.params.warning.replace(/\.$/, ''))
    expect(await core.invoke('vault.create', { mode: 'password', password: TEST_PASSWORD })).toMatchObject({
      ok: true,
    })
  })

  it('throttles failed unlocks with a growing delay that another process sees too (injected clock)', async () => {
    const clock = new ManualClock()
    const core = await makeCore({ unlocked: true, clock })
    cleanups.push(core.dispose)
    core.ctx.vault.lock('ui')
    const unlock = (password: string) => core.invoke('vault.unlock', { password })
    for (let i = 0; i < 4; i++) {
      const r = (await unlock('wrong password')) as unknown as { error: { code: string; params?: object } }
      expect(r.error.code).toBe('BAD_PASSWORD')
      expect(r.error.params).toBeUndefined()
    }
    // The failure that starts a delay says when the next attempt is allowed (the lock screen counts down).
    expect(await unlock('wrong password')).toMatchObject({
      error: {
        code: 'BAD_PASSWORD',
        params: { failures: 5, retryAt: clock.now() + 1000, retryAfterSeconds: 1 },
      },
    })
    // The 6th attempt (even with the right password) waits 1 s; then 2 s after the next failure.
    expect(await unlock(TEST_PASSWORD)).toMatchObject({
      ok: false,
      error: { code: 'UNLOCK_THROTTLED', params: { retryAfterSeconds: 1, failures: 5 } },
    })
    clock.advance(999)
    expect(await unlock(TEST_PASSWORD)).toMatchObject({ error: { code: 'UNLOCK_THROTTLED' } })
    clock.advance(1)
    expect(await unlock('wrong password')).toMatchObject({ error: { code: 'BAD_PASSWORD' } })
    const throttled = (await unlock(TEST_PASSWORD)) as unknown as { error: { params: { retryAt: number } } }
    expect(throttled).toMatchObject({
      error: { code: 'UNLOCK_THROTTLED', params: { retryAfterSeconds: 2, failures: 6 } },
    })
    expect(throttled.error.params.retryAt).toBe(clock.now() + 2000)

    // Another process on the same file (the CLI) sees the same delay, and the status shows it.
    const other = await makeCore({ dataDir: core.dataDir, clock })
    cleanups.push(() => other.close())
    expect(other.ctx.vault.status()).toMatchObject({ failedUnlocks: 6, unlockRetryAt: clock.now() + 2000 })
    expect(await other.invoke('vault.unlock', { password: TEST_PASSWORD })).toMatchObject({
      error: { code: 'UNLOCK_THROTTLED' },
    })
    clock.advance(2000)
    expect(await unlock(TEST_PASSWORD)).toMatchObject({ ok: true, data: { locked: false, failedUnlocks: 0 } })
    const denied = core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'unlocked' AND outcome = 'denied'")
      .pluck()
      .all() as string[]
    expect(denied.filter((d) => d.includes('throttled')).length).toBe(4)
    expect(denied.filter((d) => d.includes('bad_password')).length).toBe(6)
  })
})

describe('a row put back to an earlier signed version of itself', () => {
  it('is detected at the next unlock (and by the report): clients are refused until accepted', async () => {
    const core = await makeCore({ unlocked: true })
    try {
      const bridge = getBridge(core.ctx)
      bridge.tokens.create({ name: 'Old laptop', scopes: [] })
      const db = core.ctx.db
      const row = db.prepare("SELECT * FROM bridge_tokens WHERE name = 'Old laptop'").get() as Record<
        string,
        unknown
      >
      const mac = db
        .prepare("SELECT mac FROM row_macs WHERE tbl = 'bridge_tokens' AND row_id = ?")
        .pluck()
        .get(row.id) as Buffer
      bridge.revokeToken('Old laptop')
      expect((await report(core)).rollback).toBeNull()
      // The attacker restores the row and its MAC as they were before the revocation.
      db.prepare('UPDATE bridge_tokens SET revoked_at = NULL WHERE id = ?').run(row.id)
      db.prepare("UPDATE row_macs SET mac = ? WHERE tbl = 'bridge_tokens' AND row_id = ?").run(mac, row.id)
      // On its own the row verifies again, but the set of MACs no longer matches the vault's record:
      // the report (desktop banner, doctor) says so at once, and so does the next unlock.
      const first = await report(core)
      expect(first.tampered).toEqual([])
      expect(first.rollback?.message).toMatch(/put back to earlier versions of themselves/)
      core.ctx.vault.lock('ui')
      await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
      const r = await report(core)
      expect(r.rollback?.message).toMatch(/put back to earlier versions of themselves/)
      expect(core.ctx.integrity.rolledBack).toBe(true)
      expect(bridge.tokens.verify('kb_' + 'x'.repeat(43))).toEqual({ ok: false, reason: 'rolled_back' })
      const accepted = (await core.invoke('vault.integrity.acceptRollback', undefined)) as {
        data: IntegrityReport
      }
      expect(accepted.data.rollback).toBeNull()
    } finally {
      await core.dispose()
    }
  })
})

describe('rows deleted outside Keybridge', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it("a tool permission deleted behind Keybridge's back is noticed; tokens wait for the user; accepting clears it", async () => {
    const core = await makeCore({ unlocked: true })
    cleanups.push(core.dispose)
    const bridge = getBridge(core.ctx)
    const { token } = bridge.tokens.create({ name: 'App', scopes: [] })
    bridge.permissions.set('test/write_thing', 'off', false)
    expect((await report(core)).rollback).toBeNull()

    // Another process of the same user deletes the "off" row: the tool would be back to its default.
    core.ctx.db.prepare("DELETE FROM bridge_tool_permissions WHERE tool = 'test/write_thing'").run()
    const r = await report(core)
    expect(r.rollback?.message).toMatch(/deleted outside Keybridge \(tool permission "test\/write_thing"\)/)
    expect(bridge.tokens.verify(token)).toEqual({ ok: false, reason: 'rolled_back' })
    const detected = core.ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'rollback_detected'")
      .pluck()
      .all() as string[]
    expect(detected.map((d) => JSON.parse(d))).toEqual([{ removed: ['tool permission: test/write_thing'] }])

    // Still flagged after a lock and unlock; accepted, it is gone for good.
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect((await report(core)).rollback).not.toBeNull()
    const accepted = (await core.invoke('vault.integrity.acceptRollback', undefined)) as {
      data: IntegrityReport
    }
    expect(accepted.data.rollback).toBeNull()
    expect(bridge.tokens.verify(token).ok).toBe(true)
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect(await report(core)).toMatchObject({ rollback: null, tampered: [] })
  })

  it("Keybridge's own deletes are not reported: an upstream with its permissions and grants, a setting", async () => {
    const core = await makeCore({ unlocked: true })
    cleanups.push(core.dispose)
    const bridge = getBridge(core.ctx)
    const ui = { actor: 'ui' as const }
    expect(
      await core.invoke(
        'bridge.upstream.add',
        { name: 'files', command: process.execPath, args: ['-e', ''] },
        ui,
      ),
    ).toMatchObject({ ok: true })
    bridge.permissions.setMany([
      { tool: 'files/read', level: 'read', ask: false },
      { tool: 'files/write', level: 'off', ask: false },
    ])
    expect(await core.invoke('bridge.upstream.remove', { name: 'files' }, ui)).toMatchObject({ ok: true })
    core.ctx.settings.set('bridge.example', '1')
    core.ctx.settings.delete('bridge.example')
    expect(await report(core)).toMatchObject({ rollback: null, tampered: [] })
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect(await report(core)).toMatchObject({ rollback: null, tampered: [] })
  })

  it('MACs left behind by an older version are swept once at the first unlock, not reported', async () => {
    const core = await makeCore({ unlocked: true })
    cleanups.push(core.dispose)
    getBridge(core.ctx).permissions.set('gone/tool', 'off', false)
    // As an older version left it: the row deleted without its MAC, and a record without the sweep mark.
    core.ctx.db.prepare("DELETE FROM bridge_tool_permissions WHERE tool = 'gone/tool'").run()
    const integrity = core.ctx.integrity as unknown as {
      read(): Record<string, unknown>
      write(rec: Record<string, unknown>): void
    }
    const { orphansSwept: _swept, ...older } = integrity.read()
    integrity.write(older)
    core.ctx.vault.lock('ui')
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect(await report(core)).toMatchObject({ rollback: null, tampered: [] })
    expect(
      core.ctx.db
        .prepare("SELECT COUNT(*) FROM row_macs WHERE tbl = 'bridge_tool_permissions'")
        .pluck()
        .get(),
    ).toBe(0)
    expect(integrity.read()).toMatchObject({ orphansSwept: 1 })
  })
})

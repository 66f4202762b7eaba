import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScheduleStatus } from '../../../shared/ipc/backup'
import { ManualClock } from '../../../electron/core/clock'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'
import { PASSPHRASE, seedVault } from './support'

type TestCore = Awaited<ReturnType<typeof makeCore>>
const HOUR = 3_600_000

function nextScheduled(
  core: TestCore,
  timeoutMs = 10_000,
): Promise<{ ok: boolean; file: string | null; error: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no scheduled backup ran')), timeoutMs)
    const off = core.ctx.events.subscribe((name, payload) => {
      if (name !== 'backup.scheduled') return
      clearTimeout(timer)
      off()
      resolve(payload as { ok: boolean; file: string | null; error: string | null })
    })
  })
}

const scheduled = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('keybridge-backup-'))
    .sort()

describe('scheduled backups', () => {
  const clock = new ManualClock()
  let core: TestCore
  const folder = tempDir('kb-sched-')

  beforeAll(async () => {
    core = await makeCore({ unlocked: true, clock })
    // Hours pass on this clock: keep the vault from auto-locking in between (tested separately below).
    expect(await core.invoke('vault.setAutoLock', { minutes: null })).toMatchObject({ ok: true })
    // Credentials and settings are enough here (the round-trip tests cover every table).
    seedVault(core, 'src', { synthesize: false })
  })
  afterAll(async () => {
    await core.dispose()
    folder.cleanup()
  })

  it('needs a folder and a passphrase of 12+ characters, then stores only a sealed key', async () => {
    expect(await core.invoke('backup.schedule.get', undefined)).toMatchObject({
      ok: true,
      data: { enabled: false, hasKey: false },
    })
    const noPass = await core.invoke('backup.schedule.set', { enabled: true, folder: folder.dir })
    expect(noPass).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const short = await core.invoke('backup.schedule.set', {
      enabled: true,
      folder: folder.dir,
      passphrase: 'too short',
    })
    expect(short).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/12 characters/) },
    })
    const set = await core.invoke('backup.schedule.set', {
      enabled: true,
      folder: folder.dir,
      intervalMinutes: 60,
      keepLast: 2,
      passphrase: PASSPHRASE,
    })
    expect(set).toMatchObject({
      ok: true,
      data: { enabled: true, hasKey: true, nextRunAt: clock.now() + HOUR },
    })
    const vaultBytes = readFileSync(join(core.dataDir, 'vault.sqlite')).toString('latin1')
    expect(vaultBytes.includes(PASSPHRASE)).toBe(false)
    const row = core.ctx.db.prepare('SELECT backup_key FROM backup_schedule').get() as { backup_key: Buffer }
    expect(row.backup_key[0]).toBe(1) // a sealed blob (format byte), not a raw 32-byte key
    expect(row.backup_key.length).toBeGreaterThan(32 + 16)
  })

  it('runs on the clock, keeps the newest N files, and never deletes files it did not write', async () => {
    writeFileSync(join(folder.dir, 'notes.txt'), 'mine')
    for (let i = 0; i < 3; i++) {
      const ran = nextScheduled(core)
      clock.advance(HOUR)
      expect(await ran).toMatchObject({ ok: true })
    }
    expect(scheduled(folder.dir)).toHaveLength(2)
    expect(readdirSync(folder.dir)).toContain('notes.txt')
    const status = (await core.invoke('backup.schedule.get', undefined)) as { ok: true; data: ScheduleStatus }
    expect(status.data.lastFile).toBe(join(folder.dir, scheduled(folder.dir)[1]))
    expect(status.data.nextRunAt).toBe(clock.now() + HOUR)
  })

  it('the files open with the passphrase (each with its own IV) and import into another vault', async () => {
    const [a, b] = scheduled(folder.dir).map((f) => readFileSync(join(folder.dir, f)))
    const header = (f: Buffer) => JSON.parse(f.subarray(12, 12 + f.readUInt32BE(8)).toString())
    expect(header(a).kdf.salt).toBe(header(b).kdf.salt)
    expect(header(a).cipher.iv).not.toBe(header(b).cipher.iv)
    const other = await makeCore({ unlocked: true })
    try {
      const res = await other.invoke('backup.import', {
        path: join(folder.dir, scheduled(folder.dir)[1]),
        passphrase: PASSPHRASE,
      })
      expect(res).toMatchObject({ ok: true, data: { applied: true } })
      expect(other.ctx.credentials.findByRef('github/work')).toBeTruthy()
    } finally {
      await other.dispose()
    }
  })

  it('a backup that falls due while locked runs at the next unlock', async () => {
    core.ctx.vault.lock('ui')
    let ran = false
    const off = core.ctx.events.subscribe((name) => {
      if (name === 'backup.scheduled') ran = true
    })
    clock.advance(2 * HOUR)
    await new Promise((r) => setTimeout(r, 50))
    expect(ran).toBe(false)
    off()
    const after = nextScheduled(core)
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    expect(await after).toMatchObject({ ok: true })
  })

  it('backup.runNow runs one now (also after a key rotation re-sealed its key); disabling stops the timer', async () => {
    expect(await core.invoke('vault.rotateKey', { password: TEST_PASSWORD })).toMatchObject({ ok: true })
    const now = await core.invoke('backup.runNow', undefined)
    expect(now).toMatchObject({ ok: true, data: { includesAudit: false } })
    expect(scheduled(folder.dir)).toHaveLength(2)
    const off = await core.invoke('backup.schedule.set', { enabled: false })
    expect(off).toMatchObject({ ok: true, data: { enabled: false, nextRunAt: null, hasKey: true } })
    const before = scheduled(folder.dir)
    clock.advance(10 * HOUR)
    await new Promise((r) => setTimeout(r, 50))
    expect(scheduled(folder.dir)).toEqual(before)
    const audit = core.ctx.db
      .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'backup_exported' AND actor = 'scheduler'")
      .get() as { n: number }
    expect(audit.n).toBeGreaterThanOrEqual(4)
  })

  it('a run that fails keeps its English sentence and its error code (the UI says it in its language)', async () => {
    // The folder is gone: the run fails, and the schedule says why.
    const gone = tempDir('kb-sched-gone-')
    expect(
      await core.invoke('backup.schedule.set', { enabled: true, folder: gone.dir, intervalMinutes: 600 }),
    ).toMatchObject({ ok: true })
    // A file where the folder was: nothing can be written there.
    gone.cleanup()
    writeFileSync(gone.dir, 'not a folder')
    const failed = await core.invoke('backup.runNow', undefined)
    expect(failed).toMatchObject({ ok: false })
    const code = (failed as { error: { code: string } }).error.code
    const s = (await core.invoke('backup.schedule.get', undefined)) as {
      data: { lastError: string | null; lastErrorCode: string | null }
    }
    expect(s.data.lastError).toBeTruthy()
    expect(s.data.lastErrorCode).toBe(code)
    rmSync(gone.dir, { force: true })
  })
})

import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeCore, TEST_PASSWORD, tempDir } from '../../helpers/core'

const WRITER = join(__dirname, 'support/disk-writer.ts')
const SEEDED = 20

interface WriterReport {
  acknowledged: string[]
  failure: { code: string; message: string } | null
  listOk: boolean
  listed: number
}

/** A vault with SEEDED credentials whose secrets we know. */
async function seedVault(dataDir: string): Promise<void> {
  const core = await makeCore({ dataDir, unlocked: true })
  for (let i = 0; i < SEEDED; i++) {
    const r = await core.invoke('credentials.create', {
      service: 'github',
      name: `seed ${i}`,
      fields: { token: `ghp_seed_secret_${i}` },
      validate: false,
    })
    expect(r.ok).toBe(true)
  }
  await core.close()
}

/** Runs the writer child, optionally under a file-size limit (`ulimit -f`, 512-byte blocks in POSIX sh). */
function runWriter(dataDir: string, o: { fileSizeLimitBytes?: number; fillFile?: string }): WriterReport {
  const { fileSizeLimitBytes } = o
  const node = [process.execPath, '--import', 'tsx', WRITER, dataDir, ...(o.fillFile ? [o.fillFile] : [])]
  const r =
    fileSizeLimitBytes === undefined
      ? spawnSync(node[0], node.slice(1), { encoding: 'utf8', timeout: 60_000 })
      : spawnSync(
          '/bin/sh',
          ['-c', `ulimit -f ${Math.ceil(fileSizeLimitBytes / 512)} && exec "$@"`, 'sh', ...node],
          {
            encoding: 'utf8',
            timeout: 60_000,
          },
        )
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as WriterReport
}

/** After the fault: the file is sound, everything acknowledged is there, old secrets open, writes work again. */
async function expectVaultIntact(dataDir: string, report: WriterReport): Promise<void> {
  const core = await makeCore({ dataDir })
  try {
    expect(core.ctx.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect((await core.invoke('vault.unlock', { password: TEST_PASSWORD })).ok).toBe(true)
    const list = await core.invoke('credentials.list', {})
    if (!list.ok) throw new Error(`list failed: ${list.error.message}`)
    const names = new Set((list.data as { name: string }[]).map((c) => c.name))
    for (let i = 0; i < SEEDED; i++) expect(names.has(`seed ${i}`)).toBe(true)
    for (const n of report.acknowledged) expect(names.has(n)).toBe(true)
    const seed = (list.data as { id: string; name: string }[]).find((c) => c.name === 'seed 7')!
    const revealed = await core.invoke('credentials.reveal', { id: seed.id, field: 'token' })
    expect(revealed).toMatchObject({ ok: true, data: { value: 'ghp_seed_secret_7' } })
    const again = await core.invoke('credentials.create', {
      service: 'github',
      name: 'after the fault',
      fields: { token: 'ghp_after' },
      validate: false,
    })
    expect(again.ok).toBe(true)
  } finally {
    await core.close()
  }
}

function expectClearIoError(report: WriterReport): void {
  expect(report.failure, 'the writes never failed: the fault was not injected').not.toBeNull()
  expect(report.failure!.code).toBe('IO_ERROR')
  expect(report.failure!.message).toMatch(/disk|space|writ/i)
  expect(report.failure!.message).not.toMatch(/ghp_|SQLITE|\bat\b .*\.ts/)
  // Reads keep working while writes fail.
  expect(report.listOk).toBe(true)
  expect(report.listed).toBe(SEEDED + report.acknowledged.length)
}

/** A real full disk needs a small tmpfs: only root can mount one, and only where mounting is allowed. */
function mountTmpfs(dir: string, bytes: number): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || process.env.KEYBRIDGE_NO_TMPFS) return false
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir]).status === 0
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

describe('disk full on the data dir', () => {
  it('a write that hits the file-size limit is a clear IO error and the vault stays intact', async () => {
    const t = tempDir('kb-diskfull-')
    cleanups.push(t.cleanup)
    await seedVault(t.dir)
    const vaultFile = join(t.dir, 'vault.sqlite')
    // Room for the WAL to take some writes, then every write past the limit fails with EFBIG.
    const report = runWriter(t.dir, { fileSizeLimitBytes: statSync(vaultFile).size + 512 * 1024 })
    expectClearIoError(report)
    await expectVaultIntact(t.dir, report)
  }, 90_000)

  const tmpfsProbe = tempDir('kb-tmpfs-probe-')
  const tmpfsWorks = mountTmpfs(tmpfsProbe.dir, 1024 * 1024)
  if (tmpfsWorks) spawnSync('umount', [tmpfsProbe.dir])
  tmpfsProbe.cleanup()

  it.runIf(tmpfsWorks)(
    'on a tmpfs that fills up while the vault is open, writes fail with a clear IO error, the vault stays intact',
    async () => {
      const t = tempDir('kb-tmpfs-')
      cleanups.push(t.cleanup)
      expect(mountTmpfs(t.dir, 8 * 1024 * 1024)).toBe(true)
      cleanups.push(() => spawnSync('umount', ['-l', t.dir]))
      const dataDir = join(t.dir, 'data')
      mkdirSync(dataDir)
      await seedVault(dataDir)
      // The writer opens the vault, then fills what is left of the file system, then writes.
      const filler = join(t.dir, 'filler.bin')
      const report = runWriter(dataDir, { fillFile: filler })
      expectClearIoError(report)
      rmSync(filler)
      await expectVaultIntact(dataDir, report)
    },
    90_000,
  )
})

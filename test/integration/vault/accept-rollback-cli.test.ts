import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { getBridge } from '../../../electron/core/bridge/feature'
import { FileKeychain } from '../../../electron/core/vault/file-keychain'
import { makeCore, tempDir, TEST_PASSWORD } from '../../helpers/core'
import { cliInProcess, spawnCli } from '../../helpers/cli-process'

interface Finding {
  check: string
  status: string
  message: string
  fix?: string
}

/**
 * `keybridge doctor --accept-rollback`, as the desktop app's own command runs it (`Keybridge --cli`,
 * with the OS keychain that keeps the generation outside the file; a keychain file stands in here).
 */
describe('doctor --accept-rollback', () => {
  const t = tempDir('kb-accept-rollback-')
  afterAll(() => t.cleanup())

  const doctor = async (...extra: string[]) => {
    const { code, out, err } = await cliInProcess(
      ['doctor', '--json', '--data-dir', t.dir, ...extra],
      { KEYBRIDGE_PASSWORD: TEST_PASSWORD },
      { osProtector: new FileKeychain(join(t.dir, 'test-keychain.bin')) },
    )
    const findings = (JSON.parse(out) as { findings: Finding[] }).findings
    return { code, err, row: findings.filter((f) => f.check === 'row-integrity') }
  }

  it('a rolled-back file is a problem until accepted; accepting is audited as the CLI', async () => {
    const file = join(t.dir, 'vault.sqlite')
    const first = await makeCore({ dataDir: t.dir, unlocked: true })
    getBridge(first.ctx).tokens.create({ name: 'Laptop', scopes: [] })
    await first.close()
    copyFileSync(file, join(t.dir, 'old.sqlite'))
    const second = await makeCore({ dataDir: t.dir })
    await second.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    getBridge(second.ctx).revokeToken('Laptop')
    await second.close()
    copyFileSync(join(t.dir, 'old.sqlite'), file)
    for (const f of ['vault.sqlite-wal', 'vault.sqlite-shm']) rmSync(join(t.dir, f), { force: true })
    rmSync(join(t.dir, 'old.sqlite'))

    const found = await doctor()
    expect(found.code).toBe(1)
    expect(found.row).toEqual([
      expect.objectContaining({
        status: 'problem',
        message: expect.stringMatching(/older than the one Keybridge last saw/),
        fix: expect.stringContaining('keybridge doctor --accept-rollback'),
      }),
    ])

    const accepted = await doctor('--accept-rollback')
    expect(accepted.row).toEqual([expect.objectContaining({ status: 'ok' })])
    expect(accepted.code).toBe(0)

    // Once accepted it stays accepted; the acceptance is in the audit trail, by the CLI.
    expect((await doctor()).row).toEqual([expect.objectContaining({ status: 'ok' })])
    const core = await makeCore({ dataDir: t.dir })
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    const rows = core.ctx.db
      .prepare("SELECT actor FROM audit_log WHERE action = 'rollback_accepted'")
      .pluck()
      .all()
    await core.close()
    expect(rows).toEqual(['cli'])
  })

  it('the plain command says there is nothing to accept and still checks (exit code from the checks)', async () => {
    const r = await spawnCli(['doctor', '--accept-rollback', '--data-dir', t.dir], {
      env: { KEYBRIDGE_PASSWORD: TEST_PASSWORD },
    })
    expect(r.err).toContain('No rollback to accept.')
    expect(r.out).toMatch(/row-integrity/)
    expect(r.code).toBe(0)
  })
})

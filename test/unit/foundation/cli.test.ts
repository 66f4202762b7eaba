import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/core'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')

describe('keybridge command', () => {
  it('prints usage with --help and exits 0', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
    expect(out).toContain('Usage: keybridge <command>')
    expect(out).toContain('--data-dir')
  })

  it('exits 2 on an unknown command or flag', () => {
    expect(spawnSync(process.execPath, [bin, 'frobnicate']).status).toBe(2)
    expect(spawnSync(process.execPath, [bin, 'lock-status', '--no-such-flag']).status).toBe(2)
  })

  it('creates a vault headless with KEYBRIDGE_PASSWORD and reports it, global options anywhere', () => {
    const t = tempDir()
    try {
      const env = { ...process.env, KEYBRIDGE_PASSWORD: 'a long enough password' }
      const init = spawnSync(process.execPath, [bin, '--data-dir', t.dir, 'init', '--json'], {
        env,
        encoding: 'utf8',
      })
      expect(init.status).toBe(0)
      const again = spawnSync(process.execPath, [bin, 'init', '--data-dir', t.dir, '--json'], {
        env,
        encoding: 'utf8',
      })
      expect(again.status).toBe(1)
      expect(JSON.parse(again.stderr)).toMatchObject({ error: { code: 'VAULT_ALREADY_INITIALIZED' } })
      const status = spawnSync(process.execPath, [bin, 'lock-status', '--json', '--data-dir', t.dir], {
        encoding: 'utf8',
      })
      expect(JSON.parse(status.stdout)).toMatchObject({ initialized: true, protectors: ['password'] })
    } finally {
      t.cleanup()
    }
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../electron/core/app'
import type { CoreOptions } from '../../electron/core/context'
import { FileKeychain } from '../../electron/core/vault/file-keychain'

/** Cheap Argon2 for tests; the default cost is exercised where it matters. */
export const TEST_KDF = { memoryCost: 1024, timeCost: 1, parallelism: 1 }
export const TEST_PASSWORD = 'correct horse battery staple'

export function tempDir(prefix = 'kb-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A real core on a real SQLite file in a temp dir, with a file-backed stand-in for the OS keychain. */
export async function makeCore(
  opts: Partial<CoreOptions> & { unlocked?: boolean } = {},
): Promise<Core & { dataDir: string; dispose(): Promise<void> }> {
  const { dir, cleanup } = opts.dataDir ? { dir: opts.dataDir, cleanup: () => {} } : tempDir()
  const core = await createCore({
    runtime: 'node',
    osProtector: new FileKeychain(join(dir, 'test-keychain.bin')),
    kdf: TEST_KDF,
    env: {},
    ...opts,
    dataDir: dir,
  })
  if (opts.unlocked) {
    await core.ctx.vault.create(
      { mode: 'keychain+password', password: TEST_PASSWORD, autoLockMinutes: 15 },
      'ui',
    )
  }
  return Object.assign(core, {
    dataDir: dir,
    async dispose() {
      await core.close()
      cleanup()
    },
  })
}

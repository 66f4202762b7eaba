import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, VAULT_FILE } from '../../../electron/core/app'
import { makeCore, tempDir } from '../../helpers/core'

describe('vault file and migrations', () => {
  const t = tempDir()
  afterEach(() => t.cleanup())

  it('uses WAL, foreign keys and synchronous=FULL, and records each module schema version', async () => {
    const core = await makeCore({ dataDir: t.dir })
    expect(core.ctx.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(core.ctx.db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(core.ctx.db.pragma('foreign_keys', { simple: true })).toBe(1)
    const versions = core.ctx.db.prepare('SELECT module, version FROM schema_versions').all()
    expect(versions).toEqual(
      expect.arrayContaining([
        { module: 'vault', version: 5 },
        { module: 'credentials', version: 2 },
      ]),
    )
    await core.close()
  })

  it('refuses a file written by a newer Keybridge with VAULT_TOO_NEW, and leaves it untouched', async () => {
    const core = await makeCore({ dataDir: t.dir, unlocked: true })
    await core.close()
    const db = new Database(join(t.dir, VAULT_FILE))
    db.prepare("UPDATE schema_versions SET version = 99 WHERE module = 'vault'").run()
    db.close()
    await expect(createCore({ dataDir: t.dir, runtime: 'node', env: {} })).rejects.toMatchObject({
      code: 'VAULT_TOO_NEW',
      message: expect.stringMatching(/newer Keybridge .*vault schema 99/),
    })
    const again = new Database(join(t.dir, VAULT_FILE), { readonly: true })
    expect(again.prepare("SELECT version FROM schema_versions WHERE module = 'vault'").get()).toEqual({
      version: 99,
    })
    again.close()
  })
})

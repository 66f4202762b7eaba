import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { applyStaged } from '../../../electron/core/backup/apply'
import { naturalKey } from '../../../electron/core/backup/natural-keys'
import { tableInfo } from '../../../electron/core/backup/tables'
import { randomKey } from '../../../electron/core/vault/crypto'
import { Keyring } from '../../../electron/core/vault/keyring'
import { sealLocation, type SealedColumn } from '../../../electron/core/vault/sealed-columns'

const SCHEMA = `
  CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, secret BLOB);
  CREATE TABLE children (id TEXT PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents(id), label TEXT NOT NULL,
    UNIQUE (parent_id, label));
  CREATE TABLE pairs (a TEXT NOT NULL, b TEXT NOT NULL, v TEXT, PRIMARY KEY (a, b));
`
const SEALED: SealedColumn[] = [{ table: 'parents', idColumn: 'id', column: 'secret' }]

function db() {
  const d = new Database(':memory:')
  d.pragma('foreign_keys = ON')
  d.exec(SCHEMA)
  return d
}

/** Tables a future feature might add: no registry entry, so keys come from the schema. */
describe('import into tables the backup code knows nothing about', () => {
  it('derives natural keys from UNIQUE constraints, else the primary key', () => {
    const d = db()
    expect(naturalKey(tableInfo(d, 'parents', SEALED))).toMatchObject({ columns: ['name'], source: 'unique' })
    expect(naturalKey(tableInfo(d, 'children', SEALED))).toMatchObject({
      columns: ['parent_id', 'label'],
      source: 'unique',
    })
    expect(naturalKey(tableInfo(d, 'pairs', SEALED))).toMatchObject({
      columns: ['a', 'b'],
      source: 'primary',
    })
  })

  it('merges parents first, gives clashing ids fresh ones, re-points children, re-seals under the final id', () => {
    const keyring = new Keyring()
    keyring.unlock(randomKey(), 1)
    const target = db()
    const loc = (id: number) => sealLocation(SEALED[0], id)
    target
      .prepare('INSERT INTO parents VALUES (1, ?, ?), (2, ?, NULL)')
      .run('alpha', keyring.seal(loc(1), 'a-secret'), 'beta')
    target.prepare("INSERT INTO children VALUES ('c1', 1, 'x')").run()
    target.prepare("INSERT INTO pairs VALUES ('k', 'l', 'here')").run()

    const staged = db()
    staged.pragma('foreign_keys = OFF')
    // Staged rows hold plaintext in sealed columns, as stageDocument leaves them.
    staged
      .prepare('INSERT INTO parents VALUES (1, ?, ?), (5, ?, ?)')
      .run('gamma', Buffer.from('g-secret'), 'alpha', Buffer.from('other'))
    staged.prepare("INSERT INTO children VALUES ('c1', 1, 'y'), ('c9', 5, 'x'), ('c10', 5, 'z')").run()
    staged.prepare("INSERT INTO pairs VALUES ('k', 'l', 'backup'), ('m', 'n', 'new')").run()

    const previews = target.transaction(() =>
      applyStaged({
        target,
        staged,
        keyring,
        sealed: SEALED,
        mode: 'merge',
        onConflict: 'skip',
        includesAudit: false,
      }),
    )()
    const byTable = Object.fromEntries(previews.map((p) => [p.table, p]))
    expect(previews.map((p) => p.table).indexOf('parents')).toBeLessThan(
      previews.map((p) => p.table).indexOf('children'),
    )
    expect(byTable['parents']).toMatchObject({ incoming: 2, conflicts: 1, added: 1, skipped: 1 })
    expect(byTable['children']).toMatchObject({ incoming: 3, conflicts: 1, added: 2, skipped: 1 })
    expect(byTable['pairs']).toMatchObject({ incoming: 2, conflicts: 1, added: 1, skipped: 1 })

    const gamma = target.prepare("SELECT id, secret FROM parents WHERE name = 'gamma'").get() as {
      id: number
      secret: Buffer
    }
    expect(gamma.id).toBe(3) // id 1 was taken here
    expect(keyring.openString(loc(3), gamma.secret)).toBe('g-secret')
    expect(
      keyring.openString(
        loc(1),
        (target.prepare('SELECT secret FROM parents WHERE id = 1').get() as { secret: Buffer }).secret,
      ),
    ).toBe('a-secret')
    const children = target.prepare('SELECT id, parent_id, label FROM children ORDER BY label').all() as {
      id: string
      parent_id: number
      label: string
    }[]
    expect(children.map((c) => [c.parent_id, c.label])).toEqual([
      [1, 'x'], // this vault's own; the backup's c9 (alpha, x) matched it
      [3, 'y'], // followed gamma to its new id, and got a fresh id since c1 is taken
      [1, 'z'], // followed alpha (5 in the backup) to its id here
    ])
    expect(children.find((c) => c.label === 'y')!.id).not.toBe('c1')
    expect(target.pragma('foreign_key_check')).toEqual([])
  })

  it('overwrite updates matched rows in place and re-seals them for the row id here', () => {
    const keyring = new Keyring()
    keyring.unlock(randomKey(), 1)
    const target = db()
    target
      .prepare('INSERT INTO parents VALUES (7, ?, ?)')
      .run('alpha', keyring.seal(sealLocation(SEALED[0], 7), 'old'))
    const staged = db()
    staged.prepare('INSERT INTO parents VALUES (1, ?, ?)').run('alpha', Buffer.from('new'))
    target.transaction(() =>
      applyStaged({
        target,
        staged,
        keyring,
        sealed: SEALED,
        mode: 'merge',
        onConflict: 'overwrite',
        includesAudit: false,
      }),
    )()
    const row = target.prepare('SELECT id, secret FROM parents').get() as { id: number; secret: Buffer }
    expect(row.id).toBe(7)
    expect(keyring.openString(sealLocation(SEALED[0], 7), row.secret)).toBe('new')
  })
})

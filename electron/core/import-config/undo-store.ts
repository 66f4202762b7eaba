import { randomUUID } from 'node:crypto'
import { statSync } from 'node:fs'
import { AppError } from '../../../shared/errors'
import type { AuditActor } from '../../../shared/models/audit'
import type { CoreContext } from '../context'
import { writeFileAtomicSync } from '../vault/atomic-file'
import { SEALED_COLUMNS, sealLocation } from '../vault/sealed-columns'
import { fingerprint, realFile } from './config-file'

const COL = SEALED_COLUMNS.find((c) => c.table === 'config_undo')!

export interface UndoCopy {
  id: string
  path: string
  target: string
  savedAt: number
}

/**
 * The original of every config file Keybridge rewrote, sealed in the vault: it holds the secrets the
 * rewrite moved, so it never lies on disk as a plaintext `.bak`. `keybridge import-config --restore`
 * (and the desktop's Restore button) write it back and drop it.
 */
export class ConfigUndoStore {
  constructor(private readonly ctx: CoreContext) {}

  /** Inside the rewrite's transaction: the copy exists exactly when the rewrite committed. */
  save(path: string, original: string): UndoCopy {
    const id = randomUUID()
    const target = realFile(path)
    const now = this.ctx.clock.now()
    const sealed = this.ctx.keyring.seal(sealLocation(COL, id), original)
    this.ctx.db
      .prepare(
        'INSERT INTO config_undo (id, path, target, fingerprint, original, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, path, target, fingerprint(original), sealed, now)
    return { id, path, target, savedAt: now }
  }

  list(): UndoCopy[] {
    return (
      this.ctx.db
        .prepare('SELECT id, path, target, created_at AS savedAt FROM config_undo ORDER BY created_at DESC')
        .all() as UndoCopy[]
    ).map((r) => ({ ...r }))
  }

  /** The newest copy for this file (by its real path, so a symlink and its target are one file). */
  latest(path: string): UndoCopy | undefined {
    const target = realFile(path)
    return this.list().find((c) => c.target === target || c.path === path)
  }

  /** Writes the original back (atomically, keeping the file's mode) and drops the sealed copy. */
  restore(path: string, actor: AuditActor): UndoCopy & { restoredAt: number } {
    this.ctx.keyring.require()
    const copy = this.latest(path)
    if (!copy) {
      throw new AppError(
        'NOT_FOUND',
        `Keybridge has no copy of ${path} from before a rewrite (nothing to restore).`,
      )
    }
    const row = this.ctx.db.prepare('SELECT original FROM config_undo WHERE id = ?').get(copy.id) as {
      original: Buffer
    }
    const original = this.ctx.keyring.open(sealLocation(COL, copy.id), row.original)
    try {
      const exists = (() => {
        try {
          return statSync(copy.target).isFile()
        } catch {
          return false
        }
      })()
      this.ctx.db.transaction(() => {
        this.ctx.db.prepare('DELETE FROM config_undo WHERE id = ?').run(copy.id)
        this.ctx.audit.record({
          actor,
          action: 'config_restored',
          target: copy.path,
          detail: { savedAt: copy.savedAt, recreated: !exists },
        })
        // Last, inside the transaction: if the write fails, the copy is kept.
        writeFileAtomicSync(copy.target, original, { what: 'The original config' })
      })()
    } finally {
      original.fill(0)
    }
    return { ...copy, restoredAt: this.ctx.clock.now() }
  }
}

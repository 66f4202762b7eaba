import type { KeyslotKind } from '../../../shared/ipc/vault'
import type { Db } from './database'
import type { PasswordSlotParams } from './key-protector'

/**
 * One wrapping of the vault key. Slots are alternatives: any one of them unwraps the same key.
 * `params` is '{}' for the os slot and the Argon2id parameters (with salt) for the password slot.
 */
export interface SlotRow {
  kind: KeyslotKind
  params: string
  wrapped: Buffer
}

/** The keyslots table, with its statements prepared once. */
export class Keyslots {
  private readonly all
  private readonly upsert
  private readonly del
  constructor(private readonly db: Db) {
    this.all = db.prepare('SELECT kind, params, wrapped FROM keyslots ORDER BY kind')
    this.upsert = db.prepare(
      `INSERT INTO keyslots (kind, params, wrapped, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(kind) DO UPDATE SET params = excluded.params, wrapped = excluded.wrapped`,
    )
    this.del = db.prepare('DELETE FROM keyslots WHERE kind = ?')
  }

  list(): SlotRow[] {
    return this.all.all() as SlotRow[]
  }

  get(kind: KeyslotKind): SlotRow | undefined {
    return this.list().find((s) => s.kind === kind)
  }

  kinds(): KeyslotKind[] {
    return this.list().map((s) => s.kind)
  }

  put(slot: SlotRow, now: number): void {
    this.upsert.run(slot.kind, slot.params, slot.wrapped, now)
  }

  remove(kind: KeyslotKind): void {
    this.del.run(kind)
  }
}

export function passwordParams(slot: SlotRow): PasswordSlotParams {
  return JSON.parse(slot.params) as PasswordSlotParams
}

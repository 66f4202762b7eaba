import type { z } from 'zod'
import type { Db } from './database'
import { isMacSetting } from './mac-tables'
import type { RowMacs } from './row-mac'

/** Non-secret key/value settings (JSON), read through a zod schema so a bad stored value falls back. */
export class Settings {
  private macs: RowMacs | null = null
  constructor(private readonly db: Db) {}

  /** Security settings (mac-tables.ts: bridge.*, security.*) are signed on write from then on. */
  attachMacs(macs: RowMacs): void {
    this.macs = macs
  }

  /**
   * Whether a security setting's stored row is Keybridge's own: 'absent' (defaults apply), 'ok',
   * 'tampered' (refused: audited, listed by vault.integrity) or 'unverified' (vault locked).
   */
  check(key: string): 'absent' | 'ok' | 'tampered' | 'unverified' {
    const row = this.db.prepare('SELECT * FROM settings WHERE key = ?').get(key) as
      Record<string, unknown> | undefined
    if (!row) return 'absent'
    if (!this.macs || !isMacSetting(key)) return 'ok'
    try {
      this.macs.requireRow('settings', row)
      return 'ok'
    } catch (e) {
      return (e as { code?: string }).code === 'ROW_TAMPERED' ? 'tampered' : 'unverified'
    }
  }

  get<T extends z.ZodType>(key: string, schema: T, fallback: z.infer<T>): z.infer<T> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined
    if (!row) return fallback
    try {
      const parsed = schema.safeParse(JSON.parse(row.value))
      return parsed.success ? parsed.data : fallback
    } catch {
      return fallback
    }
  }

  /** A security setting needs the vault unlocked (its MAC is written in the same transaction). */
  set(key: string, value: unknown): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        )
        .run(key, JSON.stringify(value))
      if (this.macs && isMacSetting(key)) this.macs.sign('settings', key)
    })()
  }

  delete(key: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM settings WHERE key = ?').run(key)
      if (this.macs && isMacSetting(key)) this.macs.sign('settings', key)
    })()
  }
}

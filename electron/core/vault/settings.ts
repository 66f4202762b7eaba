import type { z } from 'zod'
import type { Db } from './database'

/** Non-secret key/value settings (JSON), read through a zod schema so a bad stored value falls back. */
export class Settings {
  constructor(private readonly db: Db) {}

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

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value))
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key)
  }
}

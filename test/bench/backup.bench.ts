import { statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { BackupSummary, ImportResult } from '../../shared/ipc/backup'
import { DEFAULT_BACKUP_KDF } from '../../electron/core/backup/kdf'
import { makeCore, tempDir } from '../helpers/core'
import { randomUUID } from 'node:crypto'
import type { Core } from '../../electron/core/app'
import { SEALED_COLUMNS, sealLocation } from '../../electron/core/vault/sealed-columns'
import { seedCredentials } from './lib/seed'
import type { BenchFigure } from './types'

const CREDENTIALS = 10_000
const RUNS = 3
const PASSPHRASE = 'benchmark backup passphrase'

async function timed<T>(
  fn: () => Promise<{ ok: boolean; data?: unknown; error?: unknown }>,
): Promise<{ ms: number; data: T }> {
  const t0 = performance.now()
  const res = await fn()
  const ms = performance.now() - t0
  if (!res.ok) throw new Error(`backup bench call failed: ${JSON.stringify(res.error)}`)
  return { ms, data: res.data as T }
}

/**
 * 10,000 credentials fast: one per service through the store, then copies of those rows (every
 * column, whatever the schema has become) with new ids, names and freshly sealed secrets.
 */
function seedFast(core: Core, n: number): void {
  seedCredentials(core, 10)
  const col = SEALED_COLUMNS.find((c) => c.table === 'credentials')!
  const db = core.ctx.db
  const templates = db.prepare('SELECT * FROM credentials').all() as Record<string, unknown>[]
  const columns = Object.keys(templates[0])
  const insert = db.prepare(
    `INSERT INTO credentials (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  )
  db.transaction(() => {
    for (let i = templates.length; i < n; i++) {
      const row = { ...templates[i % templates.length] }
      row['id'] = randomUUID()
      row['name'] = `account ${i}`
      row['is_primary'] = 0
      row['secrets'] = core.ctx.keyring.seal(
        sealLocation(col, row['id'] as string),
        JSON.stringify({ token: `seed-secret-${i}-${'x'.repeat(32)}` }),
      )
      insert.run(...columns.map((c) => row[c]))
    }
  })()
}

/**
 * Encrypted backup of 10,000 credentials with the default (Bitwarden-level) Argon2id cost:
 * export to a file, then import into a fresh vault, through core.invoke as the desktop does.
 * The KDF runs once per export and once per import and is reported on its own line; the target
 * is about everything else (reading, opening and re-sealing 10,000 secrets, JSON, zlib, AES-GCM,
 * the atomic write, verification, staging and the one import transaction).
 */
export default async function backupBench(): Promise<BenchFigure[]> {
  const files = tempDir('kb-bench-backup-')
  const src = await makeCore({ unlocked: true, kdf: DEFAULT_BACKUP_KDF })
  const exportMs: number[] = []
  const importMs: number[] = []
  const kdfMs: number[] = []
  const bothMs: number[] = []
  let bytes = 0
  try {
    seedFast(src, CREDENTIALS)
    for (let i = 0; i < RUNS; i++) {
      const path = join(files.dir, `run-${i}.kbbackup`)
      const exp = await timed<BackupSummary>(() =>
        src.invoke('backup.export', { path, passphrase: PASSPHRASE }),
      )
      bytes = statSync(path).size
      const dst = await makeCore({ unlocked: true, kdf: DEFAULT_BACKUP_KDF })
      try {
        const imp = await timed<ImportResult>(() =>
          dst.invoke('backup.import', { path, passphrase: PASSPHRASE, mode: 'merge' }),
        )
        if (dst.ctx.credentials.count() !== CREDENTIALS)
          throw new Error('the import did not restore every credential')
        exportMs.push(exp.ms - exp.data.kdfMs)
        importMs.push(imp.ms - imp.data.kdfMs)
        bothMs.push(exp.ms - exp.data.kdfMs + imp.ms - imp.data.kdfMs)
        kdfMs.push(exp.data.kdfMs, imp.data.kdfMs)
      } finally {
        await dst.dispose()
      }
    }
  } finally {
    await src.dispose()
    files.cleanup()
  }
  const kdf = `Argon2id m=${DEFAULT_BACKUP_KDF.memoryCost / 1024} MiB, t=${DEFAULT_BACKUP_KDF.timeCost}, p=${DEFAULT_BACKUP_KDF.parallelism}`
  return [
    {
      name: 'backup: export + import of 10,000 credentials, beyond the KDF',
      unit: 'ms',
      samples: bothMs,
      target: { max: 3000, text: '≤ 3 s beyond the KDF' },
      notes: `export to a file, then import (merge) into a fresh vault; ${RUNS} runs`,
    },
    { name: 'backup: export of 10,000 credentials, beyond the KDF', unit: 'ms', samples: exportMs },
    { name: 'backup: import of 10,000 credentials, beyond the KDF', unit: 'ms', samples: importMs },
    {
      name: `backup: passphrase KDF (${kdf}), once per export or import`,
      unit: 'ms',
      samples: kdfMs,
      notes: 'Bitwarden’s Argon2id defaults; not part of the figure above',
    },
    { name: 'backup: file size for 10,000 credentials', unit: 'MB', samples: [bytes / 2 ** 20] },
  ]
}

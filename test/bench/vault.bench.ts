import { performance } from 'node:perf_hooks'
import { tempDir } from '../helpers/core'
import { openVaultOnly } from '../integration/vault/vault-only'
import { DEFAULT_ARGON2, deriveKey, newPasswordParams } from '../../electron/core/vault/key-protector'
import type { NewCredential } from '../../electron/core/credentials/store'
import type { BenchFigure } from './types'

const N = 10_000
const PASSWORD = 'bench master password'
/** The cheapest Argon2id the library accepts: unlock with it is "everything but the KDF". */
const NEGLIGIBLE_KDF = { memoryCost: 8, timeCost: 1, parallelism: 1 }

function credential(i: number): NewCredential {
  return {
    service: `svc${i % 20}`,
    name: `account ${i}`,
    account: `user${i}@example.test`,
    fields: { url: `https://api${i % 20}.example.test`, org: 'bench' },
    secrets: { token: `tok_${i}_${'x'.repeat(40)}`, refresh: `ref_${i}_${'y'.repeat(40)}` },
    status: 'active',
    lastValidatedAt: Date.now(),
    validationError: null,
    expiresAt: null,
    metadata: { scope: 'read write' },
  }
}

function time(fn: () => void): number {
  const t = performance.now()
  fn()
  return performance.now() - t
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

/**
 * The vault at 10,000 credentials: the vault service and credential store on a real SQLite file
 * (WAL, synchronous=FULL), without the other features' background listeners.
 */
export default async function vaultBench(): Promise<BenchFigure[]> {
  const t = tempDir('kb-bench-vault-')
  try {
    const v = openVaultOnly(t.dir, NEGLIGIBLE_KDF)
    await v.vault.create({ mode: 'password', password: PASSWORD, autoLockMinutes: null }, 'cli')
    v.db.transaction(() => {
      for (let i = 0; i < N; i++) v.credentials.create(credential(i), 'cli')
    })()
    const ids = v.credentials.list().map((c) => c.id)

    // Cold: the first list after any change rebuilds every summary; warm: the cached list (the UI's usual case).
    const touch = v.db.prepare('UPDATE credentials SET updated_at = updated_at WHERE id = ?')
    const listCold: number[] = []
    for (let r = 0; r < 25; r++) {
      touch.run(ids[r])
      listCold.push(time(() => v.credentials.list()))
    }
    const list: number[] = []
    for (let r = 0; r < 200; r++) list.push(time(() => v.credentials.list()))

    const open: number[] = []
    for (let r = 0; r < 5000; r++) {
      const id = ids[(r * 7919) % ids.length]
      open.push(time(() => v.credentials.openSecrets(id)))
    }
    const audited: number[] = []
    for (let r = 0; r < 200; r++) {
      const id = ids[(r * 104729) % ids.length]
      audited.push(time(() => v.credentials.readSecrets(id, { actor: 'bridge', action: 'used' })))
    }

    const add: number[] = []
    for (let r = 0; r < 300; r++) add.push(time(() => v.credentials.create(credential(N + r), 'cli')))

    const rekey: number[] = []
    for (let r = 0; r < 5; r++) {
      rekey.push((await v.vault.rotateKey({ password: PASSWORD }, 'cli')).durationMs)
    }

    // Unlock: the rest (slots, AES unwrap, key version, audit row with fsync) with a negligible KDF...
    const unlockRest: number[] = []
    for (let r = 0; r < 30; r++) {
      v.vault.lock('cli')
      unlockRest.push(await timeAsync(() => v.vault.unlock({ password: PASSWORD }, 'cli')))
    }
    v.close()
    // ...and the KDF alone at the default cost.
    const kdf: number[] = []
    const params = newPasswordParams(DEFAULT_ARGON2)
    for (let r = 0; r < 7; r++) kdf.push(await timeAsync(() => deriveKey(PASSWORD, params)))

    const at = `${N.toLocaleString('en')} credentials`
    return [
      {
        name: `vault: list metadata of ${at}`,
        unit: 'ms',
        samples: list,
        target: { max: 15, text: '≤ 15 ms' },
        notes: 'served from the summary cache, valid until the credentials table changes (any connection)',
      },
      {
        name: `vault: list metadata of ${at}, first list after a change`,
        unit: 'ms',
        samples: listCold,
        notes: 'rebuilds all 10,000 summaries from SQLite (raw rows, listing index, no sort)',
      },
      {
        name: `vault: open one secret (of ${at})`,
        unit: 'ms',
        samples: open,
        target: { max: 0.05, text: '≤ 0.05 ms' },
        notes: 'select + AES-256-GCM open + JSON parse of one sealed row, without the audit write',
      },
      {
        name: `vault: read one secret for use, audited (of ${at})`,
        unit: 'ms',
        samples: audited,
        notes: 'open + use_count update + audit row, one transaction (one fsync, synchronous=FULL)',
      },
      {
        name: `vault: add one credential (to ${at})`,
        unit: 'ms',
        samples: add,
        target: { max: 1, text: '≤ 1 ms' },
        notes: 'seal + insert + audit row in one transaction, fsync included (synchronous=FULL)',
      },
      {
        name: `vault: re-key all ${at}`,
        unit: 'ms',
        samples: rekey,
        target: { max: 2000, text: '≤ 2 s' },
        notes:
          're-seal every row + re-wrap the password slot, one transaction; bench vault uses a negligible KDF (add 2 KDF runs for a default-cost password slot)',
      },
      {
        name: 'vault: unlock, KDF (Argon2id m=64 MiB, t=3, p=4)',
        unit: 'ms',
        samples: kdf,
      },
      {
        name: 'vault: unlock, everything but the KDF',
        unit: 'ms',
        samples: unlockRest,
        target: { max: 50, text: '≤ 50 ms' },
        notes:
          'unlock measured with a negligible-cost Argon2id slot: read slots, AES unwrap, key version, audit row',
      },
    ]
  } finally {
    t.cleanup()
  }
}

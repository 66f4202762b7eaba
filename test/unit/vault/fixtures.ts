import { randomBytes } from 'node:crypto'
import type { NewCredential } from '../../../electron/core/credentials/store'

export function credential(over: Partial<NewCredential> = {}): NewCredential {
  return {
    service: 'github',
    name: 'personal',
    account: null,
    fields: {},
    secrets: { token: 'ghp_' + randomBytes(12).toString('hex') },
    status: 'active',
    lastValidatedAt: null,
    validationError: null,
    expiresAt: null,
    metadata: {},
    ...over,
  }
}

/** Creates `n` credentials in one transaction (fast test setup); returns id → secrets. */
export function fill(
  core: {
    ctx: {
      db: import('better-sqlite3').Database
      credentials: import('../../../electron/core/credentials/store').CredentialStore
    }
  },
  n: number,
  make: (i: number) => Partial<NewCredential> = (i) => ({ service: `svc${i % 7}`, name: `acct ${i}` }),
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>()
  core.ctx.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const input = credential(make(i))
      out.set(core.ctx.credentials.create(input, 'ui').id, input.secrets)
    }
  })()
  return out
}

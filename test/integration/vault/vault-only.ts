import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { backupMigrations } from '../../../electron/core/backup/schema'
import { bridgeMigrations } from '../../../electron/core/bridge/schema'
import { credentialMigrations } from '../../../electron/core/credentials/schema'
import { homeassistantMigrations } from '../../../electron/core/homeassistant/schema'
import { providersMigrations } from '../../../electron/core/providers/schema'
import { vaultMigrations } from '../../../electron/core/vault/schema'
import { systemClock } from '../../../electron/core/clock'
import { CredentialStore } from '../../../electron/core/credentials/store'
import { EventBus } from '../../../electron/core/events'
import { AuditLog } from '../../../electron/core/vault/audit'
import { openDatabase } from '../../../electron/core/vault/database'
import type { Argon2Params } from '../../../electron/core/vault/key-protector'
import { Keyring } from '../../../electron/core/vault/keyring'
import { applyMigrations } from '../../../electron/core/vault/migrations'
import { Integrity } from '../../../electron/core/vault/integrity'
import { RowMacs } from '../../../electron/core/vault/row-mac'
import { Settings } from '../../../electron/core/vault/settings'
import { VaultService } from '../../../electron/core/vault/vault-service'

/** The same modules as createCore (app.ts), imported directly so the child does not load every feature. */
const MIGRATIONS = {
  vault: vaultMigrations,
  credentials: credentialMigrations,
  providers: providersMigrations,
  homeassistant: homeassistantMigrations,
  bridge: bridgeMigrations,
  backup: backupMigrations,
}
export const VAULT_FILE = 'vault.sqlite'

export const KDF = { memoryCost: 1024, timeCost: 1, parallelism: 1 }
export const PASSWORD = 'crash test password'

/**
 * Just the vault and the credential store on a vault file (with every module's schema): the real code, without the other
 * features' background work, so a child process starts in milliseconds and can be killed often.
 */
export function openVaultOnly(dataDir: string, kdf: Argon2Params = KDF) {
  const db = openDatabase(join(dataDir, VAULT_FILE))
  // Every module's tables (rotation re-seals every registered sealed column), none of their services.
  for (const [module, migrations] of Object.entries(MIGRATIONS)) applyMigrations(db, module, migrations)
  const keyring = new Keyring()
  const settings = new Settings(db)
  const audit = new AuditLog(db, systemClock)
  const macs = new RowMacs(db, keyring, audit, systemClock)
  const integrity = new Integrity(db, keyring, macs, audit, systemClock, undefined)
  keyring.onChange((unlocked) => unlocked && integrity.afterUnlock())
  const vault = new VaultService({ db, keyring, settings, audit, kdf, runtime: 'node', integrity })
  const credentials = new CredentialStore(db, keyring, audit, systemClock, new EventBus(), macs)
  return { db, keyring, vault, credentials, close: () => (keyring.lock(), db.close()) }
}

/** The secret of credential `i` at `version`: the crash test's parent recomputes it to check what survived. */
export function secretFor(seed: string, i: number, version: number): string {
  return createHash('sha256').update(`${seed}:${i}:${version}`).digest('base64url')
}

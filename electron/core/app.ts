import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { platform } from 'node:os'
import type { IpcResult } from '../../shared/ipc'
import { systemClock } from './clock'
import type { CoreContext, CoreOptions, Feature } from './context'
import { EventBus } from './events'
import { readLogConfig } from './log/config'
import { AppLog } from './log/logger'
import { createLogsFeature } from './log/feature'
import { dispatch } from './ipc/dispatch'
import type { CallContext, Handlers } from './ipc/handlers'
import { APP_NAME, APP_VERSION } from './version'
import { AuditLog } from './vault/audit'
import { VAULT_FILE } from './vault/corruption'
import { openDatabase } from './vault/database'
import { secureDataDir } from './vault/file-modes'
import { DEFAULT_ARGON2 } from './vault/key-protector'
import { Keyring } from './vault/keyring'
import { applyMigrations } from './vault/migrations'
import { vaultMigrations } from './vault/schema'
import { Settings } from './vault/settings'
import { VaultService } from './vault/vault-service'
import { RowMacs } from './vault/row-mac'
import { Integrity } from './vault/integrity'
import { createVaultFeature } from './vault/feature'
import { CredentialStore } from './credentials/store'
import { credentialMigrations } from './credentials/schema'
import { createCredentialsFeature } from './credentials/feature'
import { providersMigrations } from './providers/schema'
import { createProvidersFeature } from './providers/feature'
import { coreEnv, endpointOverridesAllowed } from './providers/base-url'
import { homeassistantMigrations } from './homeassistant/schema'
import { createHomeAssistantFeature } from './homeassistant/feature'
import { bridgeMigrations } from './bridge/schema'
import { createBridgeFeature } from './bridge/feature'
import { backupMigrations } from './backup/schema'
import { createBackupFeature } from './backup/feature'
import { createSettingsFeature } from './settings/feature'
import { createImportConfigFeature } from './import-config/feature'
import { createDialogsFeature } from './dialogs/feature'
import type { Migration } from './vault/migrations'

/** Each feature's tables, migrated independently (see vault/migrations.ts). */
const MIGRATIONS: [string, Migration[]][] = [
  ['vault', vaultMigrations],
  ['credentials', credentialMigrations],
  ['providers', providersMigrations],
  ['homeassistant', homeassistantMigrations],
  ['bridge', bridgeMigrations],
  ['backup', backupMigrations],
]

export interface Core {
  ctx: CoreContext
  handlers: Handlers
  /** Validated call of one channel, exactly as IPC does it. */
  invoke(channel: unknown, input: unknown, call?: CallContext): Promise<IpcResult>
  close(): Promise<void>
}

export { VAULT_FILE }

/** Composition root: opens the vault file, runs every feature's migrations, wires the handlers. */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  const clock = options.clock ?? systemClock
  const notices = secureDataDir(options.dataDir, [VAULT_FILE])
  const db = openDatabase(join(options.dataDir, VAULT_FILE))
  try {
    for (const [module, migrations] of MIGRATIONS) applyMigrations(db, module, migrations)
  } catch (e) {
    db.close()
    throw e
  }
  const keyring = new Keyring()
  const settings = new Settings(db)
  const logConfig = readLogConfig(settings, options.env ?? process.env)
  const logs = new AppLog({
    clock,
    level: options.logging?.level ?? logConfig.level,
    file: options.logging?.file
      ? { dataDir: options.dataDir, retentionDays: logConfig.retentionDays }
      : undefined,
    stderr: options.logging?.stderr,
  })
  const audit = new AuditLog(db, clock)
  const macs = new RowMacs(db, keyring, audit, clock)
  settings.attachMacs(macs)
  const integrity = new Integrity(db, keyring, macs, audit, clock, options.osProtector?.generation)
  // First listener: rows are signed (after an upgrade) before any feature uses them on unlock.
  keyring.onChange((unlocked) => {
    if (unlocked) integrity.afterUnlock()
  })
  const events = new EventBus()
  // -wal and -shm now exist too: checked once more, then every repair is audited.
  notices.push(...secureDataDir(options.dataDir).filter((n) => !notices.includes(n)))
  if (notices.length) {
    audit.record({ actor: 'system', action: 'file_modes_repaired', detail: { count: notices.length } })
  }
  const vault = new VaultService({
    db,
    keyring,
    settings,
    audit,
    osProtector: options.osProtector,
    kdf: options.kdf ?? DEFAULT_ARGON2,
    clock,
    runtime: options.runtime,
    integrity,
  })
  macs.beforeVault = () => !vault.initialized
  const ctx: CoreContext = {
    options,
    dataDir: options.dataDir,
    db,
    clock,
    keyring,
    settings,
    audit,
    events,
    log: logs.logger,
    logs,
    vault,
    macs,
    integrity,
    credentials: new CredentialStore(db, keyring, audit, clock, events, macs),
    env: coreEnv(options.env ?? process.env, endpointOverridesAllowed(options)),
    version: options.version ?? APP_VERSION,
    notices,
  }

  const vaultFeature = createVaultFeature(ctx)
  const credentialsFeature = createCredentialsFeature(ctx)
  const providersFeature = createProvidersFeature(ctx)
  const homeAssistantFeature = createHomeAssistantFeature(ctx)
  const bridgeFeature = createBridgeFeature(ctx)
  const backupFeature = createBackupFeature(ctx, MIGRATIONS)
  const settingsFeature = createSettingsFeature(ctx)
  const importConfigFeature = createImportConfigFeature(ctx)
  const dialogsFeature = createDialogsFeature(ctx)
  const logsFeature = createLogsFeature(ctx)
  const features: Feature<unknown>[] = [
    vaultFeature,
    credentialsFeature,
    providersFeature,
    homeAssistantFeature,
    bridgeFeature,
    backupFeature,
    settingsFeature,
    importConfigFeature,
    dialogsFeature,
    logsFeature,
  ]

  const handlers: Handlers = {
    'app.info': () => ({
      name: APP_NAME,
      version: ctx.version,
      platform: platform(),
      dataDir: ctx.dataDir,
      runtime: options.runtime,
    }),
    ...vaultFeature.handlers,
    ...credentialsFeature.handlers,
    ...providersFeature.handlers,
    ...homeAssistantFeature.handlers,
    ...bridgeFeature.handlers,
    ...backupFeature.handlers,
    ...settingsFeature.handlers,
    ...importConfigFeature.handlers,
    ...dialogsFeature.handlers,
    ...logsFeature.handlers,
  }

  for (const f of features) await f.start?.()
  ctx.log.info(
    { version: ctx.version, runtime: options.runtime, node: process.versions.node },
    'core started',
  )

  let closed = false
  return {
    ctx,
    handlers,
    invoke: (channel, input, call = { actor: 'ui' }) => {
      // UI activity postpones auto-lock.
      if (call.actor === 'ui') vault.touch(channel)
      return dispatch(handlers, channel, input, call, (ch, e) => {
        // Code, message and stack frames go to the log (scrubbed of every stored secret); the caller
        // only ever gets the generic INTERNAL shape.
        ctx.log.error({ err: e, channel: ch, actor: call.actor, code: 'INTERNAL' }, `${ch} failed`)
      })
    },
    async close() {
      if (closed) return
      closed = true
      for (const f of [...features].reverse()) await f.stop?.()
      integrity.flush()
      keyring.lock()
      db.close()
      logs.close()
    },
  }
}

import { AppError } from '../../../shared/errors'
import type { backupChannels } from '../../../shared/ipc/backup'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { DEFAULT_ARGON2 } from '../vault/key-protector'
import { SEALED_COLUMNS } from '../vault/sealed-columns'
import { APP_NAME } from '../version'
import { ScheduleStore } from './schedule-store'
import { BackupScheduler } from './scheduler'
import { BackupService } from './service'
import type { ModuleMigrations } from './staging'

/** Encrypted export / import, and scheduled backups (docs/BACKUP-FORMAT.md). */
export function createBackupFeature(
  ctx: CoreContext,
  modules: ModuleMigrations,
): Feature<HandlerMap<typeof backupChannels>> & { service: BackupService; scheduler: BackupScheduler } {
  const service = new BackupService({
    db: ctx.db,
    keyring: ctx.keyring,
    audit: ctx.audit,
    clock: ctx.clock,
    events: ctx.events,
    appName: APP_NAME,
    appVersion: ctx.version,
    // The cost configured for new master passwords (tests lower it); Bitwarden's defaults otherwise.
    kdf: ctx.options.kdf ?? DEFAULT_ARGON2,
    modules,
    sealed: SEALED_COLUMNS,
    integrity: ctx.integrity,
  })
  const scheduler = new BackupScheduler({
    store: new ScheduleStore(ctx.db, ctx.keyring),
    service,
    clock: ctx.clock,
    keyring: ctx.keyring,
    events: ctx.events,
    audit: ctx.audit,
  })
  const requireVault = () => {
    if (!ctx.vault.initialized) {
      throw new AppError('VAULT_NOT_INITIALIZED', 'There is no vault yet. Create one before using backups.')
    }
  }
  return {
    service,
    scheduler,
    handlers: {
      'backup.export': (input, call) => {
        requireVault()
        return service.exportTo(
          input.path,
          { passphrase: input.passphrase },
          {
            includeAudit: input.includeAudit,
            actor: call.actor,
          },
        )
      },
      'backup.inspect': (input, call) => {
        requireVault()
        return service.importFrom({ ...input, dryRun: true }, call.actor, 'inspect')
      },
      'backup.import': (input, call) => {
        requireVault()
        return service.importFrom(input, call.actor)
      },
      'backup.schedule.get': () => scheduler.status(),
      'backup.schedule.set': (input, call) => {
        requireVault()
        return scheduler.configure(input, call.actor)
      },
      'backup.runNow': (_input, call) => {
        requireVault()
        return scheduler.runNow(call.actor)
      },
    },
    start: () => scheduler.start(),
    async stop() {
      scheduler.stop()
      await scheduler.idle()
    },
  }
}

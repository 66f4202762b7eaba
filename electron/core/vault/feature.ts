import type { HandlerMap } from '../ipc/handlers'
import type { vaultChannels } from '../../../shared/ipc/vault'
import type { CoreContext, Feature } from '../context'
import { exportAudit, listAudit } from './audit-query'
import { retentionDays, scheduleAuditRetention, setRetentionDays } from './audit-retention'

/** Vault lifecycle, keyslots, rotation and audit channels; schedules audit retention. */
export function createVaultFeature(ctx: CoreContext): Feature<HandlerMap<typeof vaultChannels>> {
  const emit = () => ctx.events.emit('vault.changed', ctx.vault.status())
  const offLock = ctx.keyring.onChange(emit)
  let stopRetention = () => {}
  const changed = <T>(v: T): T => {
    emit()
    return v
  }
  return {
    handlers: {
      'vault.status': () => ctx.vault.status(),
      'vault.create': (input, call) => ctx.vault.create(input, call.actor),
      'vault.unlock': (input, call) => ctx.vault.unlock(input, call.actor),
      'vault.lock': (_input, call) => ctx.vault.lock(call.actor),
      'vault.setAutoLock': (input, call) => changed(ctx.vault.setAutoLock(input.minutes, call.actor)),
      'vault.setPassword': async (input, call) => changed(await ctx.vault.setPassword(input, call.actor)),
      'vault.removePassword': async (input, call) =>
        changed(await ctx.vault.removePassword(input, call.actor)),
      'vault.addKeychain': async (_input, call) => changed(await ctx.vault.addKeychain(call.actor)),
      'vault.removeKeychain': (_input, call) => changed(ctx.vault.removeKeychain(call.actor)),
      'vault.rotateKey': (input, call) =>
        ctx.vault.rotateKey(input, call.actor, (done, total) =>
          ctx.events.emit('vault.rotateProgress', { done, total }),
        ),
      'vault.integrity': () => ctx.integrity.report(),
      'vault.integrity.acceptRollback': (_input, call) => changed(ctx.integrity.acceptRollback(call.actor)),
      'audit.list': (input) => listAudit(ctx.db, input),
      'audit.export': (input, call) => {
        const { format, ...filter } = input
        const out = exportAudit(ctx.db, filter, format, ctx.clock.now())
        ctx.audit.record({
          actor: call.actor,
          action: 'audit_exported',
          detail: { format, count: out.count },
        })
        return out
      },
      'audit.getRetention': () => ({ days: retentionDays(ctx) }),
      'audit.setRetention': (input, call) => {
        const removed = setRetentionDays(ctx, input.days, call.actor)
        return { days: input.days, removed }
      },
    },
    start() {
      stopRetention = scheduleAuditRetention(ctx)
    },
    stop() {
      offLock()
      stopRetention()
    },
  }
}

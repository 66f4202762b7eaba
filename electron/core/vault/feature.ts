import type { HandlerMap } from '../ipc/handlers'
import type { vaultChannels } from '../../../shared/ipc/vault'
import type { CoreContext, Feature } from '../context'

/** Vault lifecycle channels: status, create, unlock, lock. */
export function createVaultFeature(ctx: CoreContext): Feature<HandlerMap<typeof vaultChannels>> {
  const emit = () => ctx.events.emit('vault.changed', ctx.vault.status())
  const offLock = ctx.keyring.onChange(emit)
  return {
    handlers: {
      'vault.status': () => ctx.vault.status(),
      'vault.create': (input, call) => ctx.vault.create(input, call.actor),
      'vault.unlock': (input, call) => ctx.vault.unlock(input, call.actor),
      'vault.lock': (_input, call) => ctx.vault.lock(call.actor),
    },
    stop: offLock,
  }
}

import type { credentialsChannels } from '../../../shared/ipc/credentials'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { SecretClipboard } from './clipboard'

/** Credential channels that need no provider: list, get, delete, primary, reveal, copy, stats. */
export function createCredentialsFeature(ctx: CoreContext): Feature<HandlerMap<typeof credentialsChannels>> {
  // The clipboard's own error text could quote what it holds: the log keeps the class and stack only.
  const clipboard = new SecretClipboard(ctx.clock, ctx.options.clipboard, undefined, (e) =>
    ctx.log.error(
      {
        err: {
          type: (e as Error)?.name ?? 'Error',
          stack: (e as Error)?.stack?.split('\n').slice(1).join('\n'),
        },
      },
      'clipboard access failed',
    ),
  )
  // A locked vault should not leave a secret on the clipboard either.
  const offLock = ctx.keyring.onChange((unlocked) => {
    if (!unlocked) void clipboard.clearIfOurs()
  })
  const store = ctx.credentials
  return {
    handlers: {
      'credentials.list': (input) => store.list(input),
      'credentials.get': (input) => store.get(input.id),
      'credentials.delete': (input, call) => {
        const { promoted } = store.delete(input.id, call.actor)
        return { deleted: input.id, promoted }
      },
      'credentials.setPrimary': (input, call) => store.setPrimary(input.id, call.actor),
      'credentials.reveal': (input, call) => ({
        field: input.field,
        value: store.readSecretField(input.id, input.field, { actor: call.actor, action: 'revealed' }),
      }),
      'credentials.copy': async (input, call) => {
        clipboard.assertAvailable()
        // Read (and audited) first; the clipboard write is awaited so a failure is reported.
        return await clipboard.copy(
          store.readSecretField(input.id, input.field, { actor: call.actor, action: 'copied' }),
        )
      },
      'credentials.stats': () => store.stats(),
    },
    async stop() {
      offLock()
      await clipboard.clearIfOurs()
    },
  }
}

import type { credentialsChannels } from '../../../shared/ipc/credentials'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'

/** Credential channels that need no provider: list, edit, delete, primary, reveal, copy. */
export function createCredentialsFeature(ctx: CoreContext): Feature<HandlerMap<typeof credentialsChannels>> {
  return {
    handlers: {
      'credentials.list': (input) => ctx.credentials.list(input),
    },
  }
}

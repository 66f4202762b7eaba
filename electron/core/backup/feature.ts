import type { backupChannels } from '../../../shared/ipc/backup'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'

export function createBackupFeature(_ctx: CoreContext): Feature<HandlerMap<typeof backupChannels>> {
  return { handlers: {} }
}

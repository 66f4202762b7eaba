import { AppError } from '../../../shared/errors'
import type { appChannels } from '../../../shared/ipc/app'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { dialogRequest, withBackupExtension } from './request'

/** `app.pickPath`: the native file dialogs of the desktop shell (CoreOptions.dialogs). */
export function createDialogsFeature(
  ctx: CoreContext,
): Feature<Pick<HandlerMap<typeof appChannels>, 'app.pickPath'>> {
  return {
    handlers: {
      'app.pickPath': async (input) => {
        const dialogs = ctx.options.dialogs
        if (!dialogs) {
          throw new AppError(
            'UNSUPPORTED',
            'File dialogs exist only in the desktop app. Type the full path of the file instead.',
          )
        }
        const req = dialogRequest(input)
        const path =
          req.kind === 'folder'
            ? await dialogs.pickFolder(req.options)
            : req.kind === 'save'
              ? await dialogs.pickSavePath(req.options)
              : await dialogs.pickOpenPath(req.options)
        if (path && req.kind === 'save' && input.purpose === 'backup')
          return { path: withBackupExtension(path) }
        return { path: path || null }
      },
    },
  }
}

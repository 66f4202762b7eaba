import type { importConfigChannels } from '../../../shared/ipc/importConfig'
import { getBridge } from '../bridge/feature'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { ConfigImporter } from './importer'

/** Import from MCP client configs and .env files (preview, then apply). */
export function createImportConfigFeature(
  ctx: CoreContext,
): Feature<HandlerMap<typeof importConfigChannels>> {
  const importer = new ConfigImporter(ctx, () => getBridge(ctx))
  return {
    handlers: {
      'importConfig.preview': ({ path }) => importer.preview(path),
      'importConfig.apply': (input, call) => importer.apply(input, call.actor),
      'importConfig.restore': ({ path }, call) => {
        const r = importer.undo.restore(path, call.actor)
        return { path: r.path, target: r.target, savedAt: r.savedAt, restoredAt: r.restoredAt }
      },
      'importConfig.undoCopies': () =>
        importer.undo.list().map((c) => ({ path: c.path, target: c.target, savedAt: c.savedAt })),
    },
  }
}

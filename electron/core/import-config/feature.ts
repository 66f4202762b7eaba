import type { importConfigChannels } from '../../../shared/ipc/importConfig'
import { getBridge } from '../bridge/feature'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { ConfigImporter } from './importer'
import { restoreBackup } from './undo'
import { basename } from 'node:path'

/** Import from MCP client configs and .env files (preview, then apply). */
export function createImportConfigFeature(
  ctx: CoreContext,
): Feature<HandlerMap<typeof importConfigChannels>> {
  const importer = new ConfigImporter(ctx, () => getBridge(ctx))
  return {
    handlers: {
      'importConfig.preview': ({ path }) => importer.preview(path),
      'importConfig.apply': (input, call) => importer.apply(input, call.actor),
      'importConfig.undoRewrite': ({ path, backupPath, tokenName }, call) => {
        restoreBackup(path, backupPath)
        let tokenRevoked = false
        if (tokenName) {
          getBridge(ctx).revokeToken(tokenName)
          tokenRevoked = true
        }
        ctx.audit.record({
          actor: call.actor,
          action: 'config_rewrite_undone',
          target: basename(path),
          detail: { tokenRevoked },
        })
        return { ok: true as const, tokenRevoked }
      },
    },
  }
}

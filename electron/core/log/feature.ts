import { AppError } from '../../../shared/errors'
import type { logsChannels } from '../../../shared/ipc/logs'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { readLogConfig, writeLogConfig } from './config'
import { diagnostics } from './diagnostics'

/** `logs.*`: log level and retention, the logs folder, the diagnostics bundle. */
export function createLogsFeature(ctx: CoreContext): Feature<HandlerMap<typeof logsChannels>> {
  const settingsOut = () => ({ ...readLogConfig(ctx.settings, ctx.env), folder: ctx.logs.dir })
  return {
    handlers: {
      'logs.config.get': () => settingsOut(),
      'logs.config.set': (patch) => {
        writeLogConfig(ctx.settings, patch)
        const next = readLogConfig(ctx.settings, ctx.env)
        ctx.logs.setLevel(next.level)
        ctx.logs.setRetention(next.retentionDays)
        ctx.log.info({ level: next.level, retentionDays: next.retentionDays }, 'log settings changed')
        return settingsOut()
      },
      'logs.openFolder': async () => {
        const open = ctx.options.openPath
        const dir = ctx.logs.dir
        if (!open || !dir) {
          throw new AppError(
            'UNSUPPORTED',
            'Opening the logs folder needs the desktop app. Headless, run "keybridge logs".',
          )
        }
        await open(dir)
        return { ok: true as const }
      },
      'logs.diagnostics': () => {
        ctx.logs.flush()
        return { text: JSON.stringify(diagnostics(ctx), null, 2), generatedAt: ctx.clock.now() }
      },
    },
  }
}

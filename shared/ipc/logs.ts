import { z } from 'zod'
import { channel, NoInput, Ok } from './define'

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
export type LogLevel = z.infer<typeof LogLevel>
export const LogRetentionDays = z.number().int().min(1).max(3650)
export const DEFAULT_LOG_RETENTION_DAYS = 30

export const LogConfig = z.object({
  level: LogLevel,
  /** Days of daily log files kept (today included). */
  retentionDays: LogRetentionDays,
})
export type LogConfig = z.infer<typeof LogConfig>

export const LogSettings = LogConfig.extend({
  /** The folder of the log files; null when this process writes no file. */
  folder: z.string().nullable(),
})

export const Diagnostics = z.object({
  /** A JSON document to paste into a bug report: versions, settings without secrets, last errors. */
  text: z.string(),
  generatedAt: z.number(),
})

export const logsChannels = {
  'logs.config.get': channel(NoInput, LogSettings),
  'logs.config.set': channel(LogConfig.partial(), LogSettings),
  /** Opens the logs folder in the system file manager (desktop only). */
  'logs.openFolder': channel(NoInput, Ok),
  'logs.diagnostics': channel(NoInput, Diagnostics),
}

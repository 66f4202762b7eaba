import {
  DEFAULT_LOG_RETENTION_DAYS,
  LogLevel,
  LogRetentionDays,
  type LogConfig,
} from '../../../shared/ipc/logs'
import type { Settings } from '../vault/settings'

const LEVEL_KEY = 'log.level'
const RETENTION_KEY = 'log.retentionDays'

/** The stored log settings; `KEYBRIDGE_LOG_LEVEL` overrides the level for one run. */
export function readLogConfig(settings: Settings, env: Record<string, string | undefined> = {}): LogConfig {
  const fromEnv = LogLevel.safeParse(env['KEYBRIDGE_LOG_LEVEL']?.toLowerCase())
  return {
    level: fromEnv.success ? fromEnv.data : settings.get(LEVEL_KEY, LogLevel, 'info'),
    retentionDays: settings.get(RETENTION_KEY, LogRetentionDays, DEFAULT_LOG_RETENTION_DAYS),
  }
}

export function writeLogConfig(settings: Settings, patch: Partial<LogConfig>): void {
  if (patch.level !== undefined) settings.set(LEVEL_KEY, patch.level)
  if (patch.retentionDays !== undefined) settings.set(RETENTION_KEY, patch.retentionDays)
}

import { BridgeConfig } from '../../../shared/ipc/bridge'
import type { Settings } from '../vault/settings'

const KEY = 'bridge.config'

export const DEFAULT_CONFIG: BridgeConfig = {
  host: '127.0.0.1',
  port: 3003,
  rateLimitPerMinute: 100,
  approvalTimeoutSeconds: 60,
  enabled: false,
}

export function readConfig(settings: Settings): BridgeConfig {
  return { ...DEFAULT_CONFIG, ...settings.get(KEY, BridgeConfig.partial(), {}) }
}

export function writeConfig(settings: Settings, patch: Partial<BridgeConfig>): BridgeConfig {
  // A key sent as undefined (IPC keeps such keys) means "unchanged", not "erase".
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  const next = BridgeConfig.parse({ ...readConfig(settings), ...given })
  settings.set(KEY, next)
  return next
}

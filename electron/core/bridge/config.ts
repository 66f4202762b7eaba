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

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/**
 * The stored config, as far as it can be trusted: a row changed outside Keybridge (its MAC fails) is
 * refused for the defaults; while the vault is locked the MAC cannot be checked, so the bind address
 * falls back to loopback until it is (a stored non-loopback host applies once verified).
 */
export function readConfig(settings: Settings): BridgeConfig {
  const stored = { ...DEFAULT_CONFIG, ...settings.get(KEY, BridgeConfig.partial(), {}) }
  const state = settings.check(KEY)
  if (state === 'tampered') return DEFAULT_CONFIG
  if (state === 'unverified' && !LOOPBACK.has(stored.host)) return { ...stored, host: DEFAULT_CONFIG.host }
  return stored
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host)
}

export function writeConfig(settings: Settings, patch: Partial<BridgeConfig>): BridgeConfig {
  // A key sent as undefined (IPC keeps such keys) means "unchanged", not "erase".
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  const next = BridgeConfig.parse({ ...readConfig(settings), ...given })
  settings.set(KEY, next)
  return next
}

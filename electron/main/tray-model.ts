// What the tray shows and does, free of 'electron' so it is tested under Node; tray.ts renders it.
import type { ChannelName, IpcResult } from '../../shared/ipc'
import type { BridgeStatus } from '../../shared/ipc/bridge'
import type { Language } from '../../shared/ipc/settings'
import type { VaultStatus } from '../../shared/ipc/vault'

export type TrayAction = 'open' | 'lock' | 'bridge-start' | 'bridge-stop' | 'quit'

export interface TrayState {
  language: Language
  vault: Pick<VaultStatus, 'initialized' | 'locked'> | null
  /** Null while the bridge cannot report (not available in this build, or failing). */
  bridge: Pick<BridgeStatus, 'running' | 'sessions' | 'url'> | null
}

export interface TrayItem {
  type: 'normal' | 'separator' | 'checkbox'
  label?: string
  enabled?: boolean
  checked?: boolean
  action?: TrayAction
}

const STRINGS = {
  en: {
    locked: 'Vault locked',
    unlocked: 'Vault unlocked',
    noVault: 'No vault yet',
    bridgeOn: (n: number) => `Bridge on · ${n} ${n === 1 ? 'client' : 'clients'} connected`,
    bridgeOff: 'Bridge off',
    bridgeUnknown: 'Bridge unavailable',
    bridgeToggle: 'Bridge',
    lock: 'Lock now',
    open: 'Open Keybridge',
    quit: 'Quit Keybridge',
  },
  fr: {
    locked: 'Coffre verrouillé',
    unlocked: 'Coffre déverrouillé',
    noVault: 'Pas encore de coffre',
    bridgeOn: (n: number) => `Pont actif · ${n} ${n <= 1 ? 'client connecté' : 'clients connectés'}`,
    bridgeOff: 'Pont arrêté',
    bridgeUnknown: 'Pont indisponible',
    bridgeToggle: 'Pont',
    lock: 'Verrouiller maintenant',
    open: 'Ouvrir Keybridge',
    quit: 'Quitter Keybridge',
  },
} as const

function bridgeLine(s: TrayState): string {
  const t = STRINGS[s.language]
  if (!s.bridge) return t.bridgeUnknown
  return s.bridge.running ? t.bridgeOn(s.bridge.sessions) : t.bridgeOff
}

function vaultLine(s: TrayState): string {
  const t = STRINGS[s.language]
  if (!s.vault?.initialized) return t.noVault
  return s.vault.locked ? t.locked : t.unlocked
}

export function trayMenu(s: TrayState): TrayItem[] {
  const t = STRINGS[s.language]
  return [
    { type: 'normal', label: vaultLine(s), enabled: false },
    { type: 'normal', label: bridgeLine(s), enabled: false },
    { type: 'separator' },
    {
      type: 'checkbox',
      label: t.bridgeToggle,
      checked: !!s.bridge?.running,
      enabled: !!s.bridge,
      action: s.bridge?.running ? 'bridge-stop' : 'bridge-start',
    },
    { type: 'normal', label: t.lock, enabled: !!s.vault?.initialized && !s.vault.locked, action: 'lock' },
    { type: 'separator' },
    { type: 'normal', label: t.open, enabled: true, action: 'open' },
    { type: 'normal', label: t.quit, enabled: true, action: 'quit' },
  ]
}

export function trayTooltip(s: TrayState): string {
  return `Keybridge — ${vaultLine(s)} — ${bridgeLine(s)}`
}

export type Invoke = (channel: ChannelName, input?: unknown) => Promise<IpcResult>

/** Reads everything the tray shows through the same channels the UI uses. */
export async function readTrayState(invoke: Invoke): Promise<TrayState> {
  const [settings, vault, bridge] = await Promise.all([
    invoke('settings.get'),
    invoke('vault.status'),
    invoke('bridge.status'),
  ])
  return {
    language: settings.ok ? (settings.data as { language: Language }).language : 'en',
    vault: vault.ok ? (vault.data as VaultStatus) : null,
    bridge: bridge.ok ? (bridge.data as BridgeStatus) : null,
  }
}

export interface TrayActionDeps {
  invoke: Invoke
  show(): void
  quit(): void
  /** Where a failed action is reported (a desktop notification in the app). */
  report(message: string): void
}

const CHANNEL_OF: Partial<Record<TrayAction, ChannelName>> = {
  lock: 'vault.lock',
  'bridge-start': 'bridge.start',
  'bridge-stop': 'bridge.stop',
}

export async function runTrayAction(action: TrayAction, deps: TrayActionDeps): Promise<void> {
  if (action === 'open') return deps.show()
  if (action === 'quit') return deps.quit()
  const res = await deps.invoke(CHANNEL_OF[action]!)
  if (!res.ok) deps.report(res.error.message)
}

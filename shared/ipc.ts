import type { z } from 'zod'
import { appChannels } from './ipc/app'
import type { ChannelDef } from './ipc/define'
import { vaultChannels, vaultEvents } from './ipc/vault'
import { credentialsChannels, credentialsEvents } from './ipc/credentials'
import { servicesChannels, servicesEvents } from './ipc/services'
import { homeassistantChannels, homeassistantEvents } from './ipc/homeassistant'
import { bridgeChannels, bridgeEvents } from './ipc/bridge'
import { bridgeRemoteChannels, bridgeRemoteEvents } from './ipc/bridgeRemote'
import { playgroundChannels } from './ipc/playground'
import { backupChannels, backupEvents } from './ipc/backup'
import { settingsChannels, settingsEvents } from './ipc/settings'
import { importConfigChannels } from './ipc/importConfig'
import { logsChannels } from './ipc/logs'
import { usageChannels } from './ipc/usage'

/**
 * The whole IPC contract: channel → { input, output } zod schemas. The main process registers
 * exactly this map, the renderer's api.ts is typed from it and the browser test harness serves it,
 * so drift between them fails `tsc`. Each feature keeps its fragment in shared/ipc/<feature>.ts.
 */
export const channels = {
  ...appChannels,
  ...vaultChannels,
  ...credentialsChannels,
  ...servicesChannels,
  ...homeassistantChannels,
  ...bridgeChannels,
  ...bridgeRemoteChannels,
  ...playgroundChannels,
  ...backupChannels,
  ...settingsChannels,
  ...importConfigChannels,
  ...logsChannels,
  ...usageChannels,
} satisfies Record<string, ChannelDef>

/** Main → renderer notifications: event name → payload schema. */
export const events = {
  ...vaultEvents,
  ...credentialsEvents,
  ...servicesEvents,
  ...homeassistantEvents,
  ...bridgeEvents,
  ...bridgeRemoteEvents,
  ...backupEvents,
  ...settingsEvents,
} satisfies Record<string, z.ZodType>

export type Channels = typeof channels
export type ChannelName = keyof Channels
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

/** What every invoke resolves to; errors are values so Electron never wraps or leaks them. */
export type IpcResult<T = unknown> =
  { ok: true; data: T } | { ok: false; error: import('./errors').ErrorShape }

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** The single IPC channel names used by the preload bridge. */
export const IPC_INVOKE = 'keybridge:invoke'
export const IPC_EVENT = 'keybridge:event'

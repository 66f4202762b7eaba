import type { IpcResult } from './ipc'

/**
 * The shape of `window.keybridge` exposed by the preload (and by the browser test harness).
 * Results are values, never thrown errors. `on` returns an unsubscribe function.
 */
export interface KeybridgeBridge {
  invoke(channel: string, input?: unknown): Promise<IpcResult>
  on(name: string, listener: (payload: unknown) => void): () => void
}

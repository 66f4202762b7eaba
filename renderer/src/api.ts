import type { ErrorCode, ErrorParams } from '../../shared/errors'
import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload } from '../../shared/ipc'
import type { KeybridgeBridge } from '../../shared/bridge-api'

declare global {
  interface Window {
    keybridge: KeybridgeBridge
  }
}

/** An error from the main process, with its typed code and a sentence fit to show the user. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** A precise message the UI translates (`error.<key>`), and its values. */
    readonly key?: string,
    readonly params?: ErrorParams,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The only place the renderer touches window.keybridge. Typed from shared/ipc.ts. */
export async function call<C extends ChannelName>(
  channel: C,
  ...input: undefined extends ChannelInput<C> ? [ChannelInput<C>?] : [ChannelInput<C>]
): Promise<ChannelOutput<C>> {
  const result = await window.keybridge.invoke(channel, input[0])
  if (!result.ok)
    throw new ApiError(result.error.code, result.error.message, result.error.key, result.error.params)
  return result.data as ChannelOutput<C>
}

export function onEvent<E extends EventName>(
  name: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return window.keybridge.on(name, (p) => listener(p as EventPayload<E>))
}

export function errorMessage(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Something went wrong. Try again.'
}

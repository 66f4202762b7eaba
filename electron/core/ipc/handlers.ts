import type { z } from 'zod'
import type { ChannelDef } from '../../../shared/ipc/define'
import type { Channels } from '../../../shared/ipc'
import type { AuditActor } from '../../../shared/models/audit'

/** Who is calling: the desktop UI, the CLI, or a test harness standing in for the UI. */
export interface CallContext {
  actor: AuditActor
}

export type Handler<C extends ChannelDef> = (
  input: z.output<C['input']>,
  call: CallContext,
) => Promise<z.input<C['output']>> | z.input<C['output']>

/** Handlers for one feature's channel fragment. */
export type HandlerMap<M extends Record<string, ChannelDef>> = { [K in keyof M]: Handler<M[K]> }

/** Handlers for the whole contract: `createCore` must provide every channel. */
export type Handlers = HandlerMap<Channels>

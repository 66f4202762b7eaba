import type { z } from 'zod'
import { AppError, toErrorShape } from '../../../shared/errors'
import { channels, isChannelName, type IpcResult } from '../../../shared/ipc'
import type { CallContext, Handlers } from './handlers'

/** A readable summary of what was wrong with an input, naming fields but never echoing values. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => {
    const where = i.path.length ? i.path.join('.') : 'input'
    return `${where}: ${i.message}`
  })
  return parts.join('; ') + (error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '')
}

/**
 * The one path every IPC call takes, in Electron and in the browser harness alike:
 * known channel → input parsed by its schema → handler → output parsed by its schema (which also
 * strips any field the contract does not declare) → `{ ok, data }` or `{ ok: false, error }`.
 */
export async function dispatch(
  handlers: Handlers,
  channelName: unknown,
  rawInput: unknown,
  call: CallContext,
  onInternalError?: (channel: string, e: unknown) => void,
): Promise<IpcResult> {
  if (!isChannelName(channelName)) {
    return {
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: 'That request is not part of Keybridge.' },
    }
  }
  const def = channels[channelName]
  const parsed = def.input.safeParse(rawInput)
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: describeIssues(parsed.error) } }
  }
  try {
    const handler = handlers[channelName] as (input: unknown, call: CallContext) => unknown
    const result = await handler(parsed.data, call)
    const out = def.output.safeParse(result)
    if (!out.success) {
      onInternalError?.(
        channelName,
        new Error(`output of ${channelName} broke its schema: ${describeIssues(out.error)}`),
      )
      return { ok: false, error: toErrorShape(new Error('output schema')) }
    }
    return { ok: true, data: out.data }
  } catch (e) {
    if (!(e instanceof AppError)) onInternalError?.(channelName, e)
    return { ok: false, error: toErrorShape(e) }
  }
}

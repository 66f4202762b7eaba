import { z } from 'zod'

/** A request/response channel: the renderer sends `input`, the main process answers `output`. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
}

export function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): ChannelDef<I, O> {
  return { input, output }
}

/** For channels that take nothing. */
export const NoInput = z.undefined().or(z.null()).or(z.object({}).strict()).optional()
export const Ok = z.object({ ok: z.literal(true) })

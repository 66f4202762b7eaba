import { AppError } from '../../../shared/errors'
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/ipc'
import type { Core } from '../app'

/** A channel called as the CLI, through the same validated dispatch as IPC; errors become AppError. */
export async function invokeAsCli<C extends ChannelName>(
  core: Core,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const res = await core.invoke(channel, input, { actor: 'cli' })
  if (!res.ok) throw new AppError(res.error.code, res.error.message)
  return res.data as ChannelOutput<C>
}

import type { z } from 'zod'
import type { ChannelDef } from './define'

export const bridgeChannels = {} satisfies Record<string, ChannelDef>

export const bridgeEvents = {} satisfies Record<string, z.ZodType>

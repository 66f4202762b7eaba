import type { z } from 'zod'
import type { ChannelDef } from './define'

export const servicesChannels = {} satisfies Record<string, ChannelDef>

export const servicesEvents = {} satisfies Record<string, z.ZodType>

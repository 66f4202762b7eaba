import type { z } from 'zod'
import type { ChannelDef } from './define'

export const homeassistantChannels = {} satisfies Record<string, ChannelDef>

export const homeassistantEvents = {} satisfies Record<string, z.ZodType>

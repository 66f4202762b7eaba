import type { z } from 'zod'
import type { ChannelDef } from './define'

export const backupChannels = {} satisfies Record<string, ChannelDef>

export const backupEvents = {} satisfies Record<string, z.ZodType>

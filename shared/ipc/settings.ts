import type { z } from 'zod'
import type { ChannelDef } from './define'

/** Desktop preferences (theme, language, close to tray, open at login): owned by the shell. */
export const settingsChannels = {} satisfies Record<string, ChannelDef>

export const settingsEvents = {} satisfies Record<string, z.ZodType>

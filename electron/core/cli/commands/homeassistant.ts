import type { CommandSpec } from '../spec'

export const homeassistantCommands: CommandSpec[] = []

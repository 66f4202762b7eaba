import type { CommandSpec } from '../spec'

export const servicesCommands: CommandSpec[] = []

import type { CommandSpec } from '../spec'

export const bridgeCommands: CommandSpec[] = []

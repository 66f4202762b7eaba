import type { CommandSpec } from '../spec'

export const credentialsCommands: CommandSpec[] = []

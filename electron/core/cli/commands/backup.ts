import type { CommandSpec } from '../spec'

export const backupCommands: CommandSpec[] = []

import { vaultCommands } from './commands/vault'
import type { CommandSpec } from './spec'

/** Every headless command. Each feature keeps its commands in cli/commands/<feature>.ts. */
export const commands: CommandSpec[] = [...vaultCommands]

import { backupCommands } from './commands/backup'
import { bridgeCommands } from './commands/bridge'
import { credentialsCommands } from './commands/credentials'
import { doctorCommands } from './commands/doctor'
import { homeassistantCommands } from './commands/homeassistant'
import { importConfigCommands } from './commands/import-config'
import { serveCommands } from './commands/serve'
import { servicesCommands } from './commands/services'
import { observabilityCommands } from './commands/observability'
import { vaultCommands } from './commands/vault'
import type { CommandSpec } from './spec'

/** Every headless command. Each feature keeps its commands in cli/commands/<feature>.ts. */
export const commands: CommandSpec[] = [
  ...vaultCommands,
  ...credentialsCommands,
  ...servicesCommands,
  ...homeassistantCommands,
  ...bridgeCommands,
  ...observabilityCommands,
  ...serveCommands,
  ...backupCommands,
  ...importConfigCommands,
  ...doctorCommands,
]

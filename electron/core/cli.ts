import { processIO } from './cli/io'
import { runCli } from './cli/main'

// The headless `keybridge` command. Contract: ../shared/CLI.md (names, flags and --json are stable).
runCli(process.argv.slice(2), { io: processIO }).then(
  (code) => {
    process.exitCode = code
  },
  () => {
    process.exitCode = 1
  },
)

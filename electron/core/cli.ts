import { processIO } from './cli/io'
import { runCli } from './cli/main'

// The headless `keybridge` command. Contract: ../shared/CLI.md (names, flags and --json are stable).
// Until the command settles, a ref'd handle keeps Node alive: work that waits only on unref'd
// timers (retry back-off, OAuth polling) must not end the process early with a false exit 0.
const keepAlive = setInterval(() => {}, 1 << 30)
process.exitCode = 1
runCli(process.argv.slice(2), { io: processIO }).then(
  (code) => {
    process.exitCode = code
  },
  () => {
    process.exitCode = 1
  },
).finally(() => clearInterval(keepAlive))

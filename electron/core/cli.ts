import { processIO } from './cli/io'
import { runCli } from './cli/main'
import { PASSWORD_FD_ENV, readPasswordPipe } from './cli/serve-launch'

// The headless `keybridge` command. Contract: ../shared/CLI.md (names, flags and --json are stable).
// Until the command settles, a ref'd handle keeps Node alive: work that waits only on unref'd
// timers (retry back-off, OAuth polling) must not end the process early with a false exit 0.
const keepAlive = setInterval(() => {}, 1 << 30)
process.exitCode = 1

// Started by `serve` as the bridge process: the master password arrives on a pipe, never in env.
const fd = Number(process.env[PASSWORD_FD_ENV])
delete process.env[PASSWORD_FD_ENV]
const passwordPipe = fd > 2 ? readPasswordPipe(fd, () => process.kill(process.pid, 'SIGTERM')) : undefined

runCli(process.argv.slice(2), { io: processIO, passwordPipe })
  .then(
    (code) => {
      process.exitCode = code
    },
    () => {
      process.exitCode = 1
    },
  )
  .finally(() => clearInterval(keepAlive))

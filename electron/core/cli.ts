import { processIO } from './cli/io'
import { runCli } from './cli/main'
import { PASSWORD_FD_ENV, readPasswordPipe, type SelfCommand } from './cli/serve-launch'
import type { OsKeyProtector } from './vault/key-protector'

/**
 * The headless `keybridge` command as a process: what the launcher (bin/launch.cjs) and the
 * desktop app's `--cli` mode call. Contract: ../shared/CLI.md (names, flags and --json are stable).
 * Resolves with the exit code once the command has finished all its work.
 */
export async function runKeybridge(
  argv: string[],
  opts: { self?: SelfCommand; osProtector?: OsKeyProtector } = {},
): Promise<number> {
  // Until the command settles, a ref'd handle keeps the process alive: work that waits only on
  // unref'd timers (retry back-off, OAuth polling) must not end it early with a false exit 0.
  const keepAlive = setInterval(() => {}, 1 << 30)
  process.exitCode = 1
  // Started by `serve` as the bridge process: the master password arrives on a pipe, never in env.
  const fd = Number(process.env[PASSWORD_FD_ENV])
  delete process.env[PASSWORD_FD_ENV]
  const passwordPipe = fd > 2 ? readPasswordPipe(fd, () => process.kill(process.pid, 'SIGTERM')) : undefined
  try {
    const code = await runCli(argv, { io: processIO, passwordPipe, ...opts })
    process.exitCode = code
    return code
  } catch {
    return 1
  } finally {
    clearInterval(keepAlive)
  }
}

import type { SelfCommand } from './serve-launch'

/**
 * The desktop app doubles as the `keybridge` command without the runAsNode fuse: started as
 * `Keybridge --cli <command> ...` (the launcher scripts in resources/bin do that), its main process
 * runs the CLI before any window, lock or tray. `--cli` counts only as the first argument (after
 * the app folder when run unpackaged, `electron . --cli ...`), so a file named --cli opened later
 * never switches modes.
 */
export function cliArgvFromApp(argv: readonly string[], defaultApp: boolean): string[] | null {
  const first = defaultApp ? 2 : 1
  return argv[first] === '--cli' ? argv.slice(first + 1) : null
}

/** How the app starts itself again in CLI mode (serve's bridge process). */
export function appSelfCommand(execPath: string, argv: readonly string[], defaultApp: boolean): SelfCommand {
  return { command: execPath, args: defaultApp ? [argv[1], '--cli'] : ['--cli'] }
}

// Lifecycle decisions of the shell, free of 'electron' so they are tested under Node.

/** Passed by the login item so a start at login goes straight to the tray. */
export const START_HIDDEN_ARG = '--hidden'

export function startsHidden(argv: readonly string[]): boolean {
  return argv.includes(START_HIDDEN_ARG)
}

/** Closing the window hides it (bridge keeps running) when the user chose so and a tray exists. */
export function shouldHideOnClose(s: { quitting: boolean; closeToTray: boolean; hasTray: boolean }): boolean {
  return !s.quitting && s.closeToTray && s.hasTray
}

/** Whether closing the last window ends the app (macOS apps stay in the dock by convention). */
export function quitsWhenAllClosed(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin'
}

/** Runs `fn` once however often it is called; every caller waits for the same run. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let run: Promise<void> | null = null
  return () => (run ??= fn())
}

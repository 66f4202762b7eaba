/** A file filter the way Electron's dialogs take it: extensions without the dot, `*` for any file. */
export interface FileFilter {
  name: string
  extensions: string[]
}

export interface PickFileOptions {
  title: string
  /** Proposed file name (save dialogs). */
  defaultName?: string
  filters: FileFilter[]
}

/**
 * The desktop's native file dialogs: Electron's in the app, a deterministic stand-in in the browser
 * test harness, absent headless. Each resolves to an absolute path, or null when the user cancels.
 */
export interface FileDialogs {
  pickSavePath(opts: PickFileOptions): Promise<string | null>
  pickOpenPath(opts: PickFileOptions): Promise<string | null>
  pickFolder(opts: { title: string }): Promise<string | null>
}

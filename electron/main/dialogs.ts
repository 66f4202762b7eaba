// The core's FileDialogs on Electron's dialog module, attached to the main window (modal to it).
// Structural types only (no 'electron' import), so tests drive it with a recording stand-in.
import { join } from 'node:path'
import type { FileDialogs } from '../core/dialogs/types'

interface DialogResult {
  canceled: boolean
}

type Filters = { name: string; extensions: string[] }[]

export interface ElectronDialog<W> {
  showSaveDialog(
    window: W,
    options: {
      title: string
      defaultPath?: string
      filters: Filters
      properties: ('createDirectory' | 'showOverwriteConfirmation')[]
    },
  ): Promise<DialogResult & { filePath?: string }>
  showOpenDialog(
    window: W,
    options: {
      title: string
      defaultPath?: string
      filters?: Filters
      properties: ('openFile' | 'openDirectory' | 'showHiddenFiles' | 'createDirectory' | 'promptToCreate')[]
    },
  ): Promise<DialogResult & { filePaths: string[] }>
}

export interface DialogPlaces {
  /** Where save dialogs start (the user's Documents folder). */
  documents(): string
  /** Where open dialogs start: the user's home, where apps keep their configs (~/.cursor, ...). */
  home(): string
}

export function nativeDialogs<W>(
  dialog: ElectronDialog<W>,
  parent: () => W | null,
  places: DialogPlaces,
): FileDialogs {
  // Electron's overloads take the window first; without one the dialog is simply not modal.
  const owner = () => parent() as W
  return {
    async pickSavePath({ title, defaultName, filters }) {
      const r = await dialog.showSaveDialog(owner(), {
        title,
        defaultPath: defaultName ? join(places.documents(), defaultName) : places.documents(),
        filters,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      })
      return r.canceled || !r.filePath ? null : r.filePath
    },
    async pickOpenPath({ title, filters }) {
      const r = await dialog.showOpenDialog(owner(), {
        title,
        defaultPath: places.home(),
        filters,
        // Configs live in hidden places: ~/.cursor/mcp.json, .vscode/mcp.json, .env.
        properties: ['openFile', 'showHiddenFiles'],
      })
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
    async pickFolder({ title }) {
      const r = await dialog.showOpenDialog(owner(), {
        title,
        defaultPath: places.documents(),
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      })
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
  }
}

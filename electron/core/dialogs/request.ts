import type { PickKind, PickPathInput, PickPurpose } from '../../../shared/ipc/app'
import type { FileFilter, PickFileOptions } from './types'

export const BACKUP_EXTENSION = 'kbbackup'

const ANY_FILE: FileFilter = { name: 'All files', extensions: ['*'] }

/** Filters per purpose: the first one is the dialog's default. .env files have no extension, hence "All files". */
const FILTERS: Record<PickPurpose, FileFilter[]> = {
  backup: [{ name: 'Keybridge backup', extensions: [BACKUP_EXTENSION] }, ANY_FILE],
  config: [
    { name: 'MCP client config', extensions: ['json', 'jsonc'] },
    { name: '.env file', extensions: ['env'] },
    ANY_FILE,
  ],
}

const TITLES: Record<PickPurpose, Record<PickKind, string>> = {
  backup: {
    save: 'Save the backup as',
    open: 'Choose a Keybridge backup',
    folder: 'Choose the folder for scheduled backups',
  },
  config: {
    save: 'Save the config as',
    open: 'Choose an app config or .env file',
    folder: 'Choose a folder',
  },
}

export type DialogRequest =
  { kind: 'save' | 'open'; options: PickFileOptions } | { kind: 'folder'; options: { title: string } }

/** What to ask the native dialog for: the renderer names a purpose, the core decides the filters. */
export function dialogRequest(input: PickPathInput): DialogRequest {
  const title = input.title ?? TITLES[input.purpose][input.kind]
  if (input.kind === 'folder') return { kind: 'folder', options: { title } }
  return {
    kind: input.kind,
    options: { title, filters: FILTERS[input.purpose], defaultName: input.defaultName },
  }
}

/**
 * Some platforms' save dialogs (GTK) return the name exactly as typed: a backup saved as "monday"
 * gets its extension, so it shows up under the dialog's backup filter later.
 */
export function withBackupExtension(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? ''
  return name.includes('.') ? path : `${path}.${BACKUP_EXTENSION}`
}

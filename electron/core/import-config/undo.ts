import { existsSync, renameSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { AppError } from '../../../shared/errors'

const BACKUP_SUFFIX = /^\.bak-\d{8}-\d{6}(-\d+)?$/

/**
 * Undoes a config rewrite: the backup made by replaceFile (`<file>.bak-<stamp>` beside it) is renamed
 * back over the file, atomically. Only such a backup of that very file is accepted, so this cannot be
 * used to move arbitrary files around.
 */
export function restoreBackup(path: string, backupPath: string): void {
  const file = resolve(path)
  const backup = resolve(backupPath)
  const suffix = basename(backup).slice(basename(file).length)
  if (
    dirname(backup) !== dirname(file) ||
    !basename(backup).startsWith(basename(file)) ||
    !BACKUP_SUFFIX.test(suffix)
  ) {
    throw new AppError('INVALID_INPUT', 'That is not a Keybridge backup of this config file.')
  }
  if (!existsSync(backup)) {
    throw new AppError(
      'NOT_FOUND',
      `The backup ${basename(backup)} is gone, so the rewrite cannot be undone.`,
    )
  }
  try {
    renameSync(backup, file)
  } catch (e) {
    throw new AppError(
      'IO_ERROR',
      `${basename(file)} could not be restored (${(e as NodeJS.ErrnoException).code ?? 'error'}); the backup is still at ${backup}.`,
    )
  }
}

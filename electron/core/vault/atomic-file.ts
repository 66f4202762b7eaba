import { closeSync, existsSync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import writeFileAtomicLib from 'write-file-atomic'
import { AppError, storageFailure } from '../../../shared/errors'
import { FILE_MODE } from './file-modes'

/**
 * The one way Keybridge replaces a file (backups, rewritten client configs, restores): write-file-
 * atomic writes a temporary file beside the target, fsyncs and renames it, so the path holds either
 * the old or the complete new content. A symlink is written through to its target (the link stays);
 * an existing file keeps its mode and owner; a new file is created owner-only (0600). The folder is
 * flushed afterwards so the rename itself survives a power cut.
 */
export interface AtomicWriteOptions {
  /** Mode of a file that does not exist yet (default 0600). An existing file keeps its own. */
  newFileMode?: number
  /** Always this mode, existing file or not (backups: 0600 whoever made the file before). */
  mode?: number
  /** Names the file in an error ("The backup", "cursor.json"). */
  what: string
}

/** write-file-atomic keeps an existing file's mode (through a symlink) when none is given. */
function modeOption(path: string, o: AtomicWriteOptions): { mode?: number } {
  if (o.mode !== undefined) return { mode: o.mode }
  return existsSync(path) ? {} : { mode: o.newFileMode ?? FILE_MODE }
}

function failure(e: unknown, path: string, o: AtomicWriteOptions): AppError {
  if (e instanceof AppError) return e
  const full = storageFailure(e)
  if (full) return new AppError('IO_ERROR', full)
  return new AppError(
    'IO_ERROR',
    `${o.what} could not be written to ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
  )
}

function syncFolder(path: string): void {
  if (process.platform === 'win32') return
  try {
    const fd = openSync(dirname(path), 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // Not every file system lets a folder be flushed; the rename itself is atomic.
  }
}

export async function writeFileAtomic(
  path: string,
  data: Buffer | string,
  o: AtomicWriteOptions,
): Promise<void> {
  try {
    await writeFileAtomicLib(path, data, { fsync: true, ...modeOption(path, o) })
  } catch (e) {
    throw failure(e, path, o)
  }
  syncFolder(path)
}

/** The same, synchronously: inside a SQLite transaction (import-config's rewrite commits with it). */
export function writeFileAtomicSync(path: string, data: Buffer | string, o: AtomicWriteOptions): void {
  try {
    writeFileAtomicLib.sync(path, data, { fsync: true, ...modeOption(path, o) })
  } catch (e) {
    throw failure(e, path, o)
  }
  syncFolder(path)
}

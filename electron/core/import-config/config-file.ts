import type { ImportNoteCode } from '../../../shared/ipc/importConfig'
import { createHash } from 'node:crypto'
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { AppError } from '../../../shared/errors'
import { writeFileAtomicSync } from '../vault/atomic-file'

/** The real file behind a path (a symlinked config is written, and restored, through to it). */
export function realFile(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

const MAX_BYTES = 2 * 1024 * 1024

/** Reads a config file as text, with readable errors (never its content). */
export function readConfigFile(path: string): string {
  const file = basename(path)
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new AppError('INVALID_INPUT', `${path} is not a file.`)
    size = st.size
  } catch (e) {
    if (e instanceof AppError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `There is no file at ${path}.`)
    throw new AppError('IO_ERROR', `${file} could not be read (${code ?? 'error'}).`)
  }
  if (size > MAX_BYTES)
    throw new AppError('INVALID_INPUT', `${file} is larger than 2 MB: that is not a client config.`)
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new AppError(
      'IO_ERROR',
      `${file} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
    )
  }
}

/** Changes whenever the file's bytes change (a short hash: it only has to tell versions apart). */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)
}

/**
 * Why the file cannot be rewritten in place, or null. A file without write permission counts as
 * read-only even for a user (root) the system would let write: someone made it read-only on purpose.
 */
export function notWritable(path: string): { code: ImportNoteCode; message: string } | null {
  const file = basename(path)
  const readOnly = { code: 'rewrite_readonly' as const, message: `${file} is read-only` }
  try {
    if ((statSync(path).mode & 0o222) === 0) return readOnly
    accessSync(path, constants.W_OK)
  } catch {
    return readOnly
  }
  try {
    accessSync(dirname(realFile(path)), constants.W_OK)
  } catch {
    return {
      code: 'rewrite_folder_readonly',
      message: `the folder of ${file} is read-only (the rewrite writes a temporary file beside it)`,
    }
  }
  return null
}

export interface Replaced {
  /** The file actually written: the target of a symlinked config (the link is kept). */
  target: string
  /** Puts the original back (when what followed the write failed). */
  undo(): void
}

/**
 * Replaces the file atomically through the shared helper (write-file-atomic): a symlink is written
 * through to its target, the file keeps its mode, and no copy is left beside it: the original's undo
 * copy is sealed in the vault by the caller (undo-store.ts), never a plaintext `.bak`.
 */
export function replaceFile(path: string, next: string, original: string): Replaced {
  const file = basename(path)
  const target = realFile(path)
  try {
    writeFileAtomicSync(target, next, { what: file })
  } catch (e) {
    const why = e instanceof AppError ? e.message : `${file} could not be rewritten.`
    throw new AppError('IO_ERROR', `${why} Nothing was imported and the file is unchanged.`)
  }
  return { target, undo: () => writeFileAtomicSync(target, original, { what: file }) }
}

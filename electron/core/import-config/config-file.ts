import { createHash, randomBytes } from 'node:crypto'
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  chmodSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { AppError, storageFailure } from '../../../shared/errors'

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
export function notWritable(path: string): string | null {
  const file = basename(path)
  try {
    if ((statSync(path).mode & 0o222) === 0) return `${file} is read-only`
    accessSync(path, constants.W_OK)
  } catch {
    return `${file} is read-only`
  }
  try {
    accessSync(dirname(path), constants.W_OK)
  } catch {
    return `the folder of ${file} is read-only (the rewrite writes a temporary file and a backup beside it)`
  }
  return null
}

function stamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

/** `<name>.bak-<YYYYMMDD-HHMMSS>` (local time), numbered if that name exists. */
export function backupPathFor(path: string, now: number): string {
  const base = `${path}.bak-${stamp(now)}`
  if (!existsSync(base)) return base
  for (let n = 2; ; n++) if (!existsSync(`${base}-${n}`)) return `${base}-${n}`
}

export interface Replaced {
  backupPath: string
  /** Puts the original back (when what followed the rename failed). */
  undo(): void
}

/**
 * Replaces the file atomically: the original is copied to the backup, the new text is written to a
 * temporary file in the same folder (same mode) and flushed, then renamed over the original. On any
 * failure the original is untouched and neither the temporary file nor the backup is left behind.
 */
export function replaceFile(path: string, next: string, now: number): Replaced {
  const file = basename(path)
  const dir = dirname(path)
  const mode = statSync(path).mode & 0o777
  const backupPath = backupPathFor(path, now)
  const tmp = join(dir, `.${file}.keybridge-${randomBytes(6).toString('hex')}.tmp`)
  let backedUp = false
  try {
    copyFileSync(path, backupPath, constants.COPYFILE_EXCL)
    backedUp = true
    chmodSync(backupPath, mode)
    const fd = openSync(tmp, 'wx', mode)
    try {
      writeSync(fd, next)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (e) {
    for (const leftover of [tmp, ...(backedUp ? [backupPath] : [])]) {
      try {
        unlinkSync(leftover)
      } catch {
        // Not created.
      }
    }
    const why =
      storageFailure(e) ?? `${file} could not be rewritten (${(e as NodeJS.ErrnoException).code ?? 'error'}).`
    throw new AppError('IO_ERROR', `${why} Nothing was imported and the file is unchanged.`)
  }
  try {
    const dfd = openSync(dir, 'r')
    fsyncSync(dfd)
    closeSync(dfd)
  } catch {
    // Not every platform lets a folder be flushed; the rename itself is atomic.
  }
  return {
    backupPath,
    undo: () => renameSync(backupPath, path),
  }
}

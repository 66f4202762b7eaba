import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../../../shared/errors'

/**
 * Writes `data` (already encrypted) so that `path` holds either the old file or the complete new
 * one: a temp file in the same folder (same file system, so rename is atomic), fsync, rename,
 * then fsync of the folder so the rename itself survives a power cut.
 */
export async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let fh
  try {
    fh = await open(tmp, 'wx', 0o600)
    await fh.writeFile(data)
    await fh.sync()
    await fh.close()
    fh = undefined
    await rename(tmp, path)
  } catch (e) {
    await fh?.close().catch(() => {})
    await unlink(tmp).catch(() => {})
    const code = (e as NodeJS.ErrnoException).code ?? 'error'
    throw new AppError('IO_ERROR', `The backup could not be written to ${path} (${code}).`)
  }
  if (process.platform !== 'win32') {
    const d = await open(dir, 'r').catch(() => undefined)
    await d?.sync().catch(() => {})
    await d?.close()
  }
}

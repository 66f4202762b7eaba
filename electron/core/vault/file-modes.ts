import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600

/**
 * The data folder is owner-only (0700) and every file in it 0600, whoever created them (the
 * desktop, the CLI, an older build, a scheduled backup): checked and repaired at every open. A
 * vault file readable by others lets them guess the master password offline. Returns one notice per
 * repair (relative paths and the modes, never contents). POSIX only: Windows uses the profile's ACLs.
 * With `repair: false` it only reports (for `keybridge doctor`).
 */
export function secureDataDir(
  dir: string,
  files: readonly string[] = [],
  o: { repair?: boolean } = {},
): string[] {
  if (process.platform === 'win32') return []
  const repair = o.repair ?? true
  if (repair) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE })
    // Files about to be created (vault.sqlite) start owner-only: SQLite gives -wal/-shm the same mode.
    for (const f of files) closeSync(openSync(join(dir, f), 'a', FILE_MODE))
  }
  const notices: string[] = []
  const walk = (path: string, rel: string) => {
    const s = lstatSync(path)
    if (s.isSymbolicLink()) return
    const want = s.isDirectory() ? DIR_MODE : FILE_MODE
    if (s.isDirectory() || s.isFile()) {
      const mode = s.mode & 0o777
      if (mode & 0o077) {
        const was = mode.toString(8).padStart(4, '0')
        const to = want.toString(8).padStart(4, '0')
        if (repair) chmodSync(path, want)
        notices.push(
          repair
            ? `${rel || 'The data folder'} was readable by other users (${was}); Keybridge set it to ${to}.`
            : `${rel || 'The data folder'} is readable by other users (${was}); it should be ${to} (chmod ${to.slice(1)}).`,
        )
      }
    }
    if (s.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name), rel ? join(rel, name) : name)
    }
  }
  walk(dir, '')
  return notices
}

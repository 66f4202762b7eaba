// Electron creates the user data folder itself (for Chromium's profile) with the default umask,
// usually 0755. The vault lives there, so make it private before the core opens it. Pure Node.
import { chmodSync, mkdirSync } from 'node:fs'

export function makePrivateDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  // Windows ACLs on %APPDATA% are already per-user; POSIX modes mean nothing there.
  if (platform !== 'win32') chmodSync(dir, 0o700)
}

import { homedir } from 'node:os'
import { join } from 'node:path'

/** The folder Electron's app.getPath('userData') gives the desktop app, so both share one vault. */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  platform = process.platform,
): string {
  if (env['KEYBRIDGE_DATA_DIR']) return env['KEYBRIDGE_DATA_DIR']
  const home = homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keybridge')
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), 'Keybridge')
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'Keybridge')
}

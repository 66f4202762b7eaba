import { app } from 'electron'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { setLinuxAutostart } from './autostart'
import { START_HIDDEN_ARG } from './lifecycle'

/**
 * Start at login (to the tray) or not. Development builds never register the bare Electron binary.
 * A failure is handed to `onError` (the core's log).
 */
export function applyOpenAtLogin(enabled: boolean, onError: (e: unknown) => void = () => {}): void {
  if (!app.isPackaged) return
  if (process.platform === 'linux') {
    // An AppImage runs from a temporary mount: register the AppImage file itself.
    const executable = process.env['APPIMAGE'] || process.execPath
    const configHome = process.env['XDG_CONFIG_HOME'] || join(homedir(), '.config')
    try {
      setLinuxAutostart(configHome, enabled, executable, [START_HIDDEN_ARG])
    } catch (e) {
      onError(e)
    }
  } else {
    app.setLoginItemSettings({ openAtLogin: enabled, args: [START_HIDDEN_ARG] })
  }
}

import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import {
  readTrayState,
  runTrayAction,
  trayMenu,
  trayTooltip,
  type Invoke,
  type TrayActionDeps,
} from './tray-model'

/** Core events after which the tray's text may be stale. */
export const TRAY_EVENTS: ReadonlySet<string> = new Set([
  'vault.changed',
  'bridge.statusChanged',
  'settings.changed',
])
const REFRESH_MS = 30_000

export interface AppTray {
  refresh(): Promise<void>
  destroy(): void
}

/** The tray icon: bridge on/off, connected clients, lock now, open, quit. */
export function createTray(iconPath: string, deps: TrayActionDeps & { read: Invoke }): AppTray {
  const image = nativeImage.createFromPath(iconPath)
  if (process.platform === 'darwin') image.setTemplateImage(true)
  const tray = new Tray(image)
  const refresh = async () => {
    const state = await readTrayState(deps.read)
    if (tray.isDestroyed()) return
    tray.setToolTip(trayTooltip(state))
    const template: MenuItemConstructorOptions[] = trayMenu(state).map(({ action, ...item }) => ({
      ...item,
      click: action ? () => void runTrayAction(action, deps).then(refresh) : undefined,
    }))
    tray.setContextMenu(Menu.buildFromTemplate(template))
  }
  // Windows and macOS report clicks; Linux app indicators only open the menu.
  tray.on('click', () => deps.show())
  // Connected-client counts change without a vault or settings event: poll them gently.
  const timer = setInterval(() => void refresh(), REFRESH_MS)
  timer.unref()
  void refresh()
  return {
    refresh,
    destroy() {
      clearInterval(timer)
      if (!tray.isDestroyed()) tray.destroy()
    },
  }
}

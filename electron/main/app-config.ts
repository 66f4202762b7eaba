// Identity and bundled files of the desktop app, free of 'electron' so tests check them against
// electron-builder.yml and the files in resources/.
import { join } from 'node:path'

/** Must equal electron-builder.yml `appId`: Windows ties notifications to it. */
export const APP_ID = 'dev.keybridge.app'

/** Tray and window images: `base` is the app folder in development, process.resourcesPath when packaged. */
export function resourcePaths(base: string, packaged: boolean, platform: NodeJS.Platform) {
  const dir = packaged ? base : join(base, 'resources')
  return {
    // macOS tints "Template" images for light and dark menu bars; @2x variants are picked up by name.
    trayIcon: join(dir, 'tray', platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
    windowIcon: join(dir, 'icons', '512x512.png'),
  }
}

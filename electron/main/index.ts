import { app, BrowserWindow } from 'electron'
import { join } from 'node:path'
import { createCore, type Core } from '../core/app'
import { registerIpc } from './ipc'
import { registerAppScheme, serveRenderer } from './protocol'
import { safeStorageProtector } from './safe-storage'
import { createMainWindow, hardenSession } from './window'

// Wiring only: behaviour lives in electron/core.
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
let win: BrowserWindow | null = null
let core: Core | null = null

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerAppScheme()
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  app.whenReady().then(async () => {
    hardenSession()
    serveRenderer(join(__dirname, '../renderer'))
    core = await createCore({
      dataDir: process.env['KEYBRIDGE_DATA_DIR'] || app.getPath('userData'),
      runtime: 'electron',
      osProtector: safeStorageProtector,
      version: app.getVersion(),
    })
    registerIpc(core, () => win?.webContents ?? null, devServerUrl)
    win = createMainWindow(devServerUrl)
    win.on('closed', () => (win = null))
    app.on('activate', () => {
      if (!win) win = createMainWindow(devServerUrl)
    })
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => {
    void core?.close()
  })
}

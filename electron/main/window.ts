import { BrowserWindow, dialog, session, shell } from 'electron'
import { join } from 'node:path'
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  WEB_PREFERENCES,
  isAppUrl,
  isSafeExternalUrl,
} from './security-config'

async function confirmExternal(win: BrowserWindow, url: string): Promise<void> {
  if (!isSafeExternalUrl(url)) return
  const { response } = await dialog.showMessageBox(win, {
    type: 'question',
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link in your browser?',
    detail: url,
  })
  if (response === 0) await shell.openExternal(url)
}

/** Session-wide hardening: deny every permission, add the CSP to every response. */
export function hardenSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
}

export function createMainWindow(devServerUrl?: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Keybridge',
    webPreferences: { ...WEB_PREFERENCES, preload: join(__dirname, '../preload/index.cjs') },
  })
  win.once('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(({ url }) => {
    void confirmExternal(win, url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) {
      event.preventDefault()
      void confirmExternal(win, url)
    }
  })
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadURL(`${APP_ORIGIN}/index.html`)
  return win
}

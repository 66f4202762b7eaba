import { app, BrowserWindow, dialog, session, shell, type WebContents } from 'electron'
import { join } from 'node:path'
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  WEB_PREFERENCES,
  WINDOW_OPTIONS,
  isAllowedDownload,
  isAppUrl,
  isSafeExternalUrl,
} from './security-config'

/** http(s) links go to the system browser, and only after the user says yes. */
export async function confirmExternal(contents: WebContents, url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false
  const options = {
    type: 'question' as const,
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link in your browser?',
    detail: url,
  }
  const parent = BrowserWindow.fromWebContents(contents)
  const { response } = parent
    ? await dialog.showMessageBox(parent, options)
    : await dialog.showMessageBox(options)
  if (response !== 0) return false
  // Electronegativity suppression, justified: only http(s) URLs, only after the user said yes.
  // (Written inside a JSDoc block because the bundler keeps those on the flagged line.)
  /** // eng-disable OPEN_EXTERNAL_JS_CHECK */ await shell.openExternal(url)
  return true
}

/**
 * Session-wide hardening: deny every permission and device, allow only the app's own blob
 * downloads, add the CSP to every response.
 */
export function hardenSession(devServerUrl?: string): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.setDisplayMediaRequestHandler((_request, callback) => callback({}))
  ses.on('will-download', (event, item) => {
    if (!isAllowedDownload(item.getURL(), devServerUrl)) event.preventDefault()
  })
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
}

/**
 * Applied to every webContents the app ever creates (app 'web-contents-created'): no new windows,
 * no navigation away from the app, no webviews, no frames going anywhere else.
 */
export function guardWebContents(contents: WebContents, devServerUrl?: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    void confirmExternal(contents, url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, devServerUrl)) return
    event.preventDefault()
    void confirmExternal(contents, event.url)
  })
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !isAppUrl(event.url, devServerUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function createMainWindow(devServerUrl: string | undefined, icon: string): BrowserWindow {
  const win = new BrowserWindow({
    ...WINDOW_OPTIONS,
    icon,
    webPreferences: {
      ...WEB_PREFERENCES,
      devTools: !app.isPackaged,
      preload: join(__dirname, '../preload/index.cjs'),
    },
  })
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`)
  return win
}

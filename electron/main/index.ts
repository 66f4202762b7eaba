import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  powerMonitor,
  safeStorage,
  shell as electronShell,
} from 'electron'
import { join } from 'node:path'
import type { DesktopSettings } from '../../shared/ipc/settings'
import { isAppError } from '../../shared/errors'
import { createCore, type Core } from '../core/app'
import { runKeybridge } from '../core/cli'
import { appSelfCommand, cliArgvFromApp } from '../core/cli/app-entry'
import { keychainGenerationStore } from '../core/vault/generation-file'
import { systemClock } from '../core/clock'
import { APP_ID, resourcePaths } from './app-config'
import { wireAutoLock } from './auto-lock'
import { makePrivateDir } from './data-dir'
import { systemClipboard } from './clipboard'
import { nativeDialogs } from './dialogs'
import { registerIpc } from './ipc'
import { once, quitsWhenAllClosed, shouldHideOnClose, startsHidden } from './lifecycle'
import { applyOpenAtLogin } from './login-item'
import { desktopNotifier } from './notifications'
import { registerAppScheme, serveRenderer } from './protocol'
import { safeStorageProtector } from './safe-storage'
import { createTray, TRAY_EVENTS, type AppTray } from './tray'
import { createMainWindow, guardWebContents, hardenSession } from './window'

// Wiring only: behaviour lives in electron/core and in the electron-free modules next to this file.
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const paths = resourcePaths(
  app.isPackaged ? process.resourcesPath : app.getAppPath(),
  app.isPackaged,
  process.platform,
)
let win: BrowserWindow | null = null
let shell: { core: Core; prefs: DesktopSettings; tray: AppTray } | null = null
let quitting = false
let stopped = false

function openWindow(): BrowserWindow {
  const w = createMainWindow(devServerUrl, paths.windowIcon)
  w.once('ready-to-show', () => w.show())
  w.on('close', (event) => {
    if (shouldHideOnClose({ quitting, closeToTray: !!shell?.prefs.closeToTray, hasTray: !!shell })) {
      event.preventDefault()
      w.hide()
    }
  })
  w.on('closed', () => (win = null))
  return w
}

function showWindow(): void {
  if (!shell) return
  if (!win) {
    win = openWindow()
    return
  }
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

async function start(): Promise<void> {
  hardenSession(devServerUrl)
  serveRenderer(join(__dirname, '../renderer'))
  const notify = desktopNotifier(paths.windowIcon, showWindow)
  const dataDir = process.env['KEYBRIDGE_DATA_DIR'] || app.getPath('userData')
  makePrivateDir(dataDir)
  const core = await createCore({
    dataDir,
    runtime: 'electron',
    // The vault generation (rollback detection) lives outside the data folder, sealed by the keychain.
    osProtector: {
      ...safeStorageProtector,
      generation: keychainGenerationStore(join(app.getPath('appData'), '.keybridge-vault-generation'), {
        encrypt: (t) => safeStorage.encryptString(t),
        decrypt: (b) => safeStorage.decryptString(b),
      }),
    },
    version: app.getVersion(),
    packaged: app.isPackaged,
    env: { ...process.env, KEYBRIDGE_LOCALE: app.getLocale() },
    clipboard: systemClipboard(clipboard),
    notify,
    logging: { file: true },
    openPath: async (path) => {
      const failed = await electronShell.openPath(path)
      if (failed) throw new Error(failed)
    },
    dialogs: nativeDialogs<BrowserWindow>(dialog, () => win, {
      documents: () => app.getPath('documents'),
      home: () => app.getPath('home'),
    }),
  })
  const prefs = await core.invoke('settings.get', undefined)
  if (!prefs.ok) throw new Error('desktop preferences unreadable')
  const tray = createTray(paths.trayIcon, {
    invoke: (channel, input) => core.invoke(channel, input, { actor: 'ui' }),
    // Refreshing the tray is not user activity: it must not postpone the idle auto-lock.
    read: (channel, input) => core.invoke(channel, input, { actor: 'system' }),
    show: showWindow,
    quit: () => app.quit(),
    report: (body) => notify({ title: 'Keybridge', body, kind: 'bridge' }),
  })
  shell = { core, prefs: prefs.data as DesktopSettings, tray }
  const autostartFailed = (e: unknown) =>
    core.ctx.log.error({ err: e, code: 'IO_ERROR' }, 'could not update the autostart entry')
  const disposers = [
    registerIpc(core, () => win?.webContents ?? null, devServerUrl),
    core.ctx.events.subscribe((name, payload) => {
      if (name === 'settings.changed' && shell) {
        shell.prefs = payload as DesktopSettings
        applyOpenAtLogin(shell.prefs.openAtLogin, autostartFailed)
      }
      if (TRAY_EVENTS.has(name)) void tray.refresh()
    }),
    wireAutoLock(powerMonitor, core.ctx.vault, systemClock, () => !!win?.isFocused()),
  ]
  applyOpenAtLogin(shell.prefs.openAtLogin, autostartFailed)
  const shutdown = once(async () => {
    for (const dispose of disposers) dispose()
    tray.destroy()
    await core.close()
  })
  app.on('before-quit', () => (quitting = true))
  // Quitting waits for the core (bridge, upstream servers, database) to stop cleanly.
  app.on('will-quit', (event) => {
    if (stopped) return
    event.preventDefault()
    void shutdown().finally(() => {
      stopped = true
      app.quit()
    })
  })
  app.on('activate', showWindow)
  if (!(startsHidden(process.argv) && shell.prefs.closeToTray)) showWindow()
}

const cliArgv = cliArgvFromApp(process.argv, Boolean(process.defaultApp))
if (cliArgv) {
  // `Keybridge --cli ...` (resources/bin/keybridge): the headless command on the app's own runtime,
  // with no window, tray or single-instance lock, so it runs beside the open desktop app.
  // The OS keychain (safeStorage) needs the app ready; it opens a vault it protects.
  app.dock?.hide()
  void app
    .whenReady()
    .then(() =>
      runKeybridge(cliArgv, {
        self: appSelfCommand(process.execPath, process.argv, Boolean(process.defaultApp)),
        osProtector: safeStorageProtector,
      }),
    )
    .then((code) => app.exit(code))
} else if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID)
  registerAppScheme()
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, devServerUrl))
  app.on('second-instance', showWindow)
  app.on('window-all-closed', () => {
    if (quitsWhenAllClosed(process.platform)) app.quit()
  })
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      const reason = isAppError(e) ? e.message : 'An unexpected error stopped it. Nothing was changed.'
      dialog.showErrorBox('Keybridge cannot start', reason)
      app.exit(1)
    })
}

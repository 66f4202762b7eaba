// Loads the real electron/main/index.ts against the recorded Electron stand-in and a real core on a
// temp data dir: single-instance lock, startup wiring, tray, close-to-tray, login item, power
// events and a clean quit.
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC_INVOKE } from '../../../shared/ipc'
import { tempDir } from '../../helpers/core'
import { createFakeElectron, FakeWebContents, type FakeElectron } from './fake-electron'

type Win = InstanceType<FakeElectron['BrowserWindow']>

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!cond()) throw new Error(`timed out waiting for ${what}`)
}

describe('desktop main process wiring (real index.ts)', () => {
  let dirs: { dir: string; cleanup(): void }
  let electron: FakeElectron
  const saved = { ...process.env }

  beforeEach(async () => {
    // A fresh Electron stand-in and a fresh main module per test: index.ts runs on import.
    vi.resetModules()
    vi.doMock('electron', () => createFakeElectron())
    dirs = tempDir('kb-main-')
    for (const k of ['KEYBRIDGE_DATA_DIR', 'ELECTRON_RENDERER_URL']) delete process.env[k]
    process.env['XDG_CONFIG_HOME'] = join(dirs.dir, 'xdg')
    ;(process as { resourcesPath?: string }).resourcesPath = join(process.cwd(), 'resources')
    electron = (await import('electron')) as unknown as FakeElectron
    electron.state.userData = join(dirs.dir, 'data')
  })

  afterEach(async () => {
    if (electron.ipcMain.handlers.size) electron.app.quit()
    await until(() => electron.ipcMain.handlers.size === 0, 'shutdown')
    process.env = { ...saved }
    dirs.cleanup()
  })

  async function start(packaged = true) {
    electron.app.isPackaged = packaged
    await import('../../../electron/main/index')
    electron.ready()
    await until(
      () => electron.Tray.instances.length > 0 && electron.BrowserWindow.instances.length > 0,
      'start',
    )
    const win = electron.BrowserWindow.instances.at(-1) as Win
    const call = (channel: string, input?: unknown) =>
      electron.ipcMain.handlers.get(IPC_INVOKE)!(
        { sender: win.webContents, senderFrame: win.webContents.mainFrame },
        channel,
        input,
      )
    return { win, call, tray: electron.Tray.instances[0]! }
  }

  it('a second instance quits at once and touches nothing', async () => {
    electron.state.singleInstance = false
    await import('../../../electron/main/index')
    electron.ready()
    await new Promise((r) => setTimeout(r, 20))
    expect(electron.calls.quit).toBe(1)
    expect(electron.calls.schemes).toEqual([])
    expect(electron.BrowserWindow.instances).toEqual([])
    expect(electron.ipcMain.handlers.size).toBe(0)
    expect(existsSync(join(dirs.dir, 'data'))).toBe(false)
  })

  it('starts: app:// window shown when ready, IPC to the core, guarded webContents, tray, locale', async () => {
    const { win, call, tray } = await start()
    if (process.platform !== 'win32') expect(statSync(join(dirs.dir, 'data')).mode & 0o777).toBe(0o700)
    expect(electron.calls.schemes).toHaveLength(1)
    expect(win.url).toBe('app://keybridge/index.html')
    expect(win.options['webPreferences']).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      devTools: false,
    })
    expect(win.visible).toBe(false)
    win.emit('ready-to-show')
    expect(win.visible).toBe(true)
    expect(await call('app.info')).toMatchObject({
      ok: true,
      data: { runtime: 'electron', version: '0.1.0-test' },
    })
    // The system locale (fr-FR) picks the language until the user chooses.
    expect(await call('settings.get')).toMatchObject({
      ok: true,
      data: { language: 'fr', closeToTray: true },
    })
    await until(() => tray.menu.length > 0, 'tray menu')
    expect(tray.menu.map((i) => i['label'])).toContain('Quitter Keybridge')
    expect(tray.image).toMatchObject({ path: join(process.cwd(), 'resources', 'tray', 'tray.png') })
    // Every webContents created later gets the same guards.
    const stray = new FakeWebContents('about:blank')
    electron.app.emit('web-contents-created', {}, stray)
    expect(stray.windowOpenHandler!({ url: 'https://x.example/' })).toEqual({ action: 'deny' })
    expect(stray.fire('will-navigate', { url: 'https://x.example/' })).toBe(true)
  })

  it('closing the window keeps Keybridge in the tray; a second launch brings it back', async () => {
    const { win, call } = await start()
    win.emit('ready-to-show')
    win.close()
    expect(win.destroyed).toBe(false)
    expect(win.visible).toBe(false)
    electron.app.emit('second-instance')
    expect(win.visible).toBe(true)

    await call('settings.update', { closeToTray: false })
    win.close()
    expect(win.destroyed).toBe(true)
    electron.app.emit('second-instance')
    const again = electron.BrowserWindow.instances.at(-1) as Win
    expect(again).not.toBe(win)
    expect(again.url).toBe('app://keybridge/index.html')
  })

  it('applies open-at-login from the setting (XDG autostart on Linux, login items elsewhere)', async () => {
    const { call } = await start()
    const entry = join(dirs.dir, 'xdg', 'autostart', 'keybridge.desktop')
    await call('settings.update', { openAtLogin: true })
    if (process.platform === 'linux') {
      expect(existsSync(entry)).toBe(true)
      await call('settings.update', { openAtLogin: false })
      expect(existsSync(entry)).toBe(false)
    } else {
      expect(electron.calls.loginItems.at(-1)).toEqual({ openAtLogin: true, args: ['--hidden'] })
    }
  })

  it('locks the vault on suspend and quits cleanly: IPC unregistered, tray gone, database closed', async () => {
    const { call, tray } = await start()
    expect(
      await call('vault.create', { mode: 'password', password: 'a long enough passphrase 42' }),
    ).toMatchObject({
      ok: true,
      data: { locked: false },
    })
    electron.powerMonitor.emit('suspend')
    expect(await call('vault.status')).toMatchObject({ ok: true, data: { locked: true } })

    const wal = join(dirs.dir, 'data', 'vault.sqlite-wal')
    expect(existsSync(wal)).toBe(true)
    let exited = false
    electron.app.once('quit', () => (exited = true))
    electron.app.quit()
    await until(() => exited, 'quit')
    expect(electron.ipcMain.handlers.size).toBe(0)
    expect(tray.destroyed).toBe(true)
    expect(existsSync(wal)).toBe(false) // the last connection closed and checkpointed the WAL
  })

  it('reports a core that cannot start in a dialog and exits non-zero', async () => {
    writeFileSync(join(dirs.dir, 'data'), 'not a folder')
    await import('../../../electron/main/index')
    electron.ready()
    await until(() => electron.calls.exit.length > 0, 'exit')
    expect(electron.calls.exit).toEqual([1])
    expect(electron.calls.errorBoxes[0]![0]).toBe('Keybridge cannot start')
  })
})

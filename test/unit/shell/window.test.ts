import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeEvent, type FakeElectron, type FakeWebContents } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron())

const electron = (await import('electron')) as unknown as FakeElectron
const { confirmExternal, createMainWindow, guardWebContents, hardenSession } =
  await import('../../../electron/main/window')
const { CONTENT_SECURITY_POLICY, WEB_PREFERENCES } = await import('../../../electron/main/security-config')

const flush = () => new Promise((r) => setImmediate(r))

describe('window and session hardening (real window.ts, recorded Electron)', () => {
  beforeEach(() => {
    electron.calls.openExternal.length = 0
    electron.calls.dialogs.length = 0
    electron.state.dialogResponse = 1
    electron.app.isPackaged = true
  })

  it('creates the window with the hardened webPreferences, the CJS preload and the app:// URL', () => {
    const win = createMainWindow(undefined, '/icons/512x512.png') as unknown as InstanceType<
      FakeElectron['BrowserWindow']
    >
    const prefs = win.options['webPreferences']
    expect(prefs).toMatchObject({ ...WEB_PREFERENCES, devTools: false })
    expect(prefs.preload).toMatch(/preload[/\\]index\.cjs$/)
    expect(win.url).toBe('app://keybridge/index.html')
    expect(win.options['show']).toBe(false)
    expect(win.url!.startsWith('file:')).toBe(false)
  })

  it('switches devtools on and loads the dev server only when unpackaged', () => {
    electron.app.isPackaged = false
    const win = createMainWindow('http://localhost:5173', '/i.png') as unknown as InstanceType<
      FakeElectron['BrowserWindow']
    >
    expect(win.options['webPreferences'].devTools).toBe(true)
    expect(win.url).toBe('http://localhost:5173')
  })

  describe('every webContents', () => {
    let wc: FakeWebContents
    beforeEach(() => {
      wc = new (electron as any).BrowserWindow({}).webContents // eslint-disable-line @typescript-eslint/no-explicit-any
      guardWebContents(wc as never)
    })

    it('#14 denies every new window; http(s) goes to the browser only after confirmation', async () => {
      expect(wc.windowOpenHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' })
      await flush()
      expect(electron.calls.dialogs).toHaveLength(1)
      expect(electron.calls.openExternal).toEqual([]) // the user said Cancel

      electron.state.dialogResponse = 0
      expect(wc.windowOpenHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' })
      await flush()
      expect(electron.calls.openExternal).toEqual(['https://example.com/docs'])
    })

    it('#15 never opens other schemes, not even after a "yes"', async () => {
      electron.state.dialogResponse = 0
      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/x', 'ms-msdt:/id'])
        expect(wc.windowOpenHandler!({ url })).toEqual({ action: 'deny' })
      await flush()
      expect(electron.calls.dialogs).toHaveLength(0)
      expect(electron.calls.openExternal).toEqual([])
    })

    it('#13 blocks navigation, redirects and subframe navigation away from the app', async () => {
      expect(wc.fire('will-navigate', { url: 'https://evil.example/' })).toBe(true)
      expect(wc.fire('will-navigate', { url: 'file:///etc/passwd' })).toBe(true)
      expect(wc.fire('will-navigate', { url: 'app://keybridge/index.html#/settings' })).toBe(false)
      expect(wc.fire('will-redirect', { url: 'https://evil.example/' })).toBe(true)
      expect(wc.fire('will-frame-navigate', { url: 'https://evil.example/', isMainFrame: false })).toBe(true)
      await flush()
      expect(electron.calls.openExternal).toEqual([]) // navigation attempts ask first, the default is Cancel
    })

    it('#12 refuses to attach any <webview>', () => {
      expect(wc.fire('will-attach-webview')).toBe(true)
    })
  })

  it('confirmExternal reports what happened', async () => {
    const wc = new electron.BrowserWindow({}).webContents
    electron.state.dialogResponse = 0
    expect(await confirmExternal(wc as never, 'https://ok.example/')).toBe(true)
    expect(await confirmExternal(wc as never, 'ftp://nope.example/')).toBe(false)
  })

  it('#5 denies every permission, device and screen capture; downloads only its own; adds the CSP header', () => {
    hardenSession()
    const ses = electron.session.defaultSession
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn()
      ses.permissionRequest!(null, permission, cb)
      expect(cb).toHaveBeenCalledWith(false)
      expect(ses.permissionCheck!(null, permission, 'app://keybridge')).toBe(false)
    }
    expect(ses.devicePermission!({ deviceType: 'usb' })).toBe(false)
    const media = vi.fn()
    ses.displayMedia!({}, media)
    expect(media).toHaveBeenCalledWith({})
    const download = (url: string) => {
      const e = new FakeEvent()
      ses.emit('will-download', e, { getURL: () => url })
      return e.defaultPrevented ? 'blocked' : 'allowed'
    }
    // The app's own exports (blob: of app://keybridge) may be saved; nothing else is downloaded.
    expect(download('blob:app://keybridge/6f1c0a9e-0b7e-4a5e-9d0e-6a1b2c3d4e5f')).toBe('allowed')
    expect(download('https://evil.example/payload.exe')).toBe('blocked')
    expect(download('blob:https://evil.example/6f1c0a9e')).toBe('blocked')
    expect(download('data:application/octet-stream;base64,AAAA')).toBe('blocked')
    expect(download('file:///etc/passwd')).toBe('blocked')
    const cb = vi.fn()
    ses.headers!({ responseHeaders: { 'X-Other': ['1'] } }, cb)
    expect(cb).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
})

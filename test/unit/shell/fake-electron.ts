/* eslint-disable @typescript-eslint/no-explicit-any -- a loose stand-in for Electron's objects */
// A stand-in for the 'electron' module (the runtime cannot be downloaded here) that records what
// the shell asks of it. Only for test/unit/shell: everything else runs the real core.
import { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

type Handler = (...args: any[]) => any

export class FakeEvent {
  defaultPrevented = false
  constructor(props: Record<string, unknown> = {}) {
    Object.assign(this, props)
  }
  preventDefault() {
    this.defaultPrevented = true
  }
}

export class FakeWebContents extends EventEmitter {
  static seq = 0
  id = ++FakeWebContents.seq
  mainFrame: { url: string }
  windowOpenHandler: Handler | null = null
  sent: unknown[][] = []
  constructor(url = 'app://keybridge/index.html') {
    super()
    this.mainFrame = { url }
  }
  setWindowOpenHandler(h: Handler) {
    this.windowOpenHandler = h
  }
  send(...args: unknown[]) {
    this.sent.push(args)
  }
  /** Emits a cancellable event the way Electron does and says whether it was prevented. */
  fire(name: string, props: Record<string, unknown> = {}): boolean {
    const e = new FakeEvent(props)
    this.emit(name, e, props['url'])
    return e.defaultPrevented
  }
}

export function createFakeElectron() {
  const calls = {
    quit: 0,
    exit: [] as number[],
    openExternal: [] as string[],
    dialogs: [] as unknown[],
    errorBoxes: [] as unknown[][],
    loginItems: [] as unknown[],
    schemes: [] as unknown[],
    notifications: [] as FakeNotification[],
    userModelId: null as string | null,
  }
  const state = {
    singleInstance: true,
    dialogResponse: 1,
    userData: '/nonexistent',
    idleSeconds: 0,
    readyResolve: null as null | (() => void),
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => state.singleInstance,
    quit() {
      calls.quit++
      // Like Electron: before-quit, then will-quit (cancellable); exit if nobody prevented it.
      app.emit('before-quit', new FakeEvent())
      const e = new FakeEvent()
      app.emit('will-quit', e)
      if (!e.defaultPrevented) app.emit('quit')
    },
    exit: (code = 0) => void calls.exit.push(code),
    whenReady: () => new Promise<void>((resolve) => (state.readyResolve = resolve)),
    getPath: () => state.userData,
    getVersion: () => '0.1.0-test',
    getLocale: () => 'fr-FR',
    getAppPath: () => process.cwd(),
    setAppUserModelId: (id: string) => void (calls.userModelId = id),
    setLoginItemSettings: (s: unknown) => void calls.loginItems.push(s),
  })

  class BrowserWindow extends EventEmitter {
    static instances: BrowserWindow[] = []
    static fromWebContents(wc: unknown) {
      return BrowserWindow.instances.find((w) => w.webContents === wc) ?? null
    }
    webContents = new FakeWebContents()
    url: string | null = null
    visible = false
    destroyed = false
    constructor(public options: Record<string, any>) {
      super()
      BrowserWindow.instances.push(this)
    }
    loadURL(url: string) {
      this.url = url
      this.webContents.mainFrame.url = url
      return Promise.resolve()
    }
    show() {
      this.visible = true
    }
    hide() {
      this.visible = false
    }
    focus() {}
    restore() {}
    isMinimized() {
      return false
    }
    isFocused() {
      return this.visible
    }
    /** The user clicks the window's close button. */
    close() {
      const e = new FakeEvent()
      this.emit('close', e)
      if (e.defaultPrevented) return
      this.destroyed = true
      this.emit('closed')
    }
  }

  const session = {
    defaultSession: Object.assign(new EventEmitter(), {
      permissionRequest: null as Handler | null,
      permissionCheck: null as Handler | null,
      devicePermission: null as Handler | null,
      displayMedia: null as Handler | null,
      headers: null as Handler | null,
      setPermissionRequestHandler(h: Handler) {
        this.permissionRequest = h
      },
      setPermissionCheckHandler(h: Handler) {
        this.permissionCheck = h
      },
      setDevicePermissionHandler(h: Handler) {
        this.devicePermission = h
      },
      setDisplayMediaRequestHandler(h: Handler) {
        this.displayMedia = h
      },
      webRequest: {
        onHeadersReceived(h: Handler) {
          session.defaultSession.headers = h
        },
      },
    }),
  }

  const protocol = {
    handlers: new Map<string, Handler>(),
    registerSchemesAsPrivileged: (s: unknown[]) => void calls.schemes.push(...s),
    handle(scheme: string, h: Handler) {
      protocol.handlers.set(scheme, h)
    },
  }

  // Electron's net.fetch reads file:// URLs; here the same from disk.
  const net = {
    async fetch(url: string) {
      try {
        const body = await readFile(fileURLToPath(url))
        return new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } })
      } catch {
        return new Response('missing', { status: 404 })
      }
    },
  }

  const ipcMain = {
    handlers: new Map<string, Handler>(),
    handle(channel: string, h: Handler) {
      if (ipcMain.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      ipcMain.handlers.set(channel, h)
    },
    removeHandler(channel: string) {
      ipcMain.handlers.delete(channel)
    },
  }

  const dialog = {
    async showMessageBox(...args: unknown[]) {
      calls.dialogs.push(args)
      return { response: state.dialogResponse }
    },
    showErrorBox: (...args: unknown[]) => void calls.errorBoxes.push(args),
  }

  const shell = {
    async openExternal(url: string) {
      calls.openExternal.push(url)
    },
  }

  class Tray extends EventEmitter {
    static instances: Tray[] = []
    menu: Array<Record<string, any>> = []
    tooltip = ''
    destroyed = false
    constructor(public image: unknown) {
      super()
      Tray.instances.push(this)
    }
    setContextMenu(menu: Array<Record<string, any>>) {
      this.menu = menu
    }
    setToolTip(t: string) {
      this.tooltip = t
    }
    isDestroyed() {
      return this.destroyed
    }
    destroy() {
      this.destroyed = true
    }
  }

  const Menu = { buildFromTemplate: (t: unknown[]) => t }
  const nativeImage = {
    createFromPath: (path: string) => ({
      path,
      template: false,
      setTemplateImage(v: boolean) {
        this.template = v
      },
    }),
  }

  class FakeNotification extends EventEmitter {
    static isSupported = () => true
    shown = false
    constructor(public options: Record<string, unknown>) {
      super()
      calls.notifications.push(this)
    }
    show() {
      this.shown = true
    }
  }

  const clipboardState = { text: '' }
  const clipboard = {
    async readText() {
      return clipboardState.text
    },
    async writeText(t: string) {
      clipboardState.text = t
    },
  }

  const powerMonitor = Object.assign(new EventEmitter(), {
    getSystemIdleTime: () => state.idleSeconds,
  })

  const safeStorage = {
    isEncryptionAvailable: () => false,
    getSelectedStorageBackend: () => 'basic_text',
    encryptString: () => Buffer.alloc(0),
    decryptString: () => '',
  }

  const exposed = new Map<string, Record<string, unknown>>()
  const contextBridge = {
    exposeInMainWorld(key: string, api: Record<string, unknown>) {
      exposed.set(key, api)
    },
  }
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invocations: [] as unknown[][],
    async invoke(...args: unknown[]) {
      ipcRenderer.invocations.push(args)
      return { ok: true, data: null }
    },
  })

  return {
    calls,
    state,
    exposed,
    clipboardState,
    /** Resolves app.whenReady() as Electron does once it has started. */
    ready: () => state.readyResolve?.(),
    app,
    BrowserWindow,
    session,
    protocol,
    net,
    ipcMain,
    dialog,
    shell,
    Tray,
    Menu,
    nativeImage,
    Notification: FakeNotification,
    clipboard,
    powerMonitor,
    safeStorage,
    contextBridge,
    ipcRenderer,
  }
}

export type FakeElectron = ReturnType<typeof createFakeElectron>

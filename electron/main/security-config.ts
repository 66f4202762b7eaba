// Pure configuration of the window's security, kept free of 'electron' imports so tests under
// Node read the very objects and decisions the app uses.
import { isAbsolute, relative, resolve, sep } from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'keybridge'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/**
 * app:// is standard (real origin, relative URLs) and secure (like https), nothing more: no CSP
 * bypass, no CORS, no service workers, no streaming of arbitrary files.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const

/** Content Security Policy of the renderer: own code only, no eval, no remote anything. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Radix Themes sets inline style attributes
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "worker-src 'none'",
].join('; ')

/** Every BrowserWindow's webPreferences (devTools is switched on only for unpackaged builds). */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
  // Middle-click would open links in a new window; there are none to open.
  disableBlinkFeatures: 'Auxclick',
  devTools: false,
} as const

export const WINDOW_OPTIONS = {
  width: 1200,
  height: 800,
  minWidth: 900,
  minHeight: 600,
  show: false,
  title: 'Keybridge',
} as const

/** Which URLs the app's own frame may be at: the packaged app:// origin, or the dev server in development. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  try {
    const u = new URL(url)
    if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true
    if (devServerUrl) return u.origin === new URL(devServerUrl).origin
    return false
  } catch {
    return false
  }
}

/** Links the user may open in the system browser (after confirming): http and https only. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
  } catch {
    return false
  }
}

/**
 * Downloads the app starts itself (e.g. an exported audit log, built as a blob by the page): only
 * blob: URLs of the app's own origin. Electron then asks the user where to save.
 */
export function isAllowedDownload(url: string, devServerUrl?: string): boolean {
  if (!url.startsWith('blob:')) return false
  return isAppUrl(url.slice('blob:'.length), devServerUrl)
}

/** What the IPC handler knows about the caller of an invoke. */
export interface SenderFacts {
  /** The call came from the app window's webContents (not another window, devtools or a helper). */
  fromAppWindow: boolean
  /** The frame that sent it is that window's main frame (not an iframe). */
  isMainFrame: boolean
  /** The sending frame's URL at the time of the call. */
  frameUrl: string | null
}

/** Only the app's own main frame, at the app's own URL, may talk to the core. */
export function isTrustedSender(facts: SenderFacts, devServerUrl?: string): boolean {
  return (
    facts.fromAppWindow && facts.isMainFrame && !!facts.frameUrl && isAppUrl(facts.frameUrl, devServerUrl)
  )
}

/**
 * Maps an app:// request to a file under `root`, or null: wrong host, a method other than GET,
 * encoded tricks or any path that leaves the root are refused.
 */
export function resolveRendererPath(root: string, requestUrl: string, method = 'GET'): string | null {
  if (method !== 'GET' && method !== 'HEAD') return null
  let url: URL
  let path: string
  try {
    url = new URL(requestUrl)
    path = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  if (path.includes('\0') || path.includes('\\')) return null
  const base = resolve(root)
  const file = resolve(base, '.' + (path === '/' ? '/index.html' : path))
  const rel = relative(base, file)
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null
  return file
}

/** Files under `root` whose real location (symlinks followed) is still under the real root. */
export function isInsideRoot(realRoot: string, realFile: string): boolean {
  const rel = relative(realRoot, realFile)
  return !!rel && !rel.startsWith('..') && !isAbsolute(rel)
}

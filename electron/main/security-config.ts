// Pure configuration of the window's security, kept free of 'electron' imports so tests under
// Node read the very objects the app uses.

export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://keybridge`

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
  "object-src 'none'",
].join('; ')

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
  spellcheck: false,
  devTools: true,
} as const

/** Which URLs the app's own frame may be at: the packaged app:// origin, or the dev server in development. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  try {
    const u = new URL(url)
    if (`${u.protocol}//${u.host}` === APP_ORIGIN) return true
    if (devServerUrl) {
      const d = new URL(devServerUrl)
      return u.origin === d.origin
    }
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

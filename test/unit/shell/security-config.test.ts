import { describe, expect, it } from 'vitest'
import {
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  WEB_PREFERENCES,
  isAppUrl,
  isSafeExternalUrl,
  isTrustedSender,
  resolveRendererPath,
} from '../../../electron/main/security-config'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

function parseCsp(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  )
}

// Electron's security checklist (electronjs.org/docs/latest/tutorial/security), item by item, on
// the objects the app really uses. Items about runtime wiring are proven in window/ipc/main tests.
describe('Electron security checklist: configuration', () => {
  it('#2 no Node.js integration anywhere, #3 context isolation, #4 sandbox', () => {
    expect(WEB_PREFERENCES.nodeIntegration).toBe(false)
    expect(WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false)
    expect(WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false)
    expect(WEB_PREFERENCES.contextIsolation).toBe(true)
    expect(WEB_PREFERENCES.sandbox).toBe(true)
  })

  it('#6 webSecurity on, #8 no insecure content, #9 no experimental features, #10 no enableBlinkFeatures', () => {
    expect(WEB_PREFERENCES.webSecurity).toBe(true)
    expect(WEB_PREFERENCES.allowRunningInsecureContent).toBe(false)
    expect(WEB_PREFERENCES.experimentalFeatures).toBe(false)
    expect(WEB_PREFERENCES).not.toHaveProperty('enableBlinkFeatures')
    expect(WEB_PREFERENCES.disableBlinkFeatures).toContain('Auxclick')
  })

  it('#11/#12 no <webview> at all, devtools off unless unpackaged (window.ts switches it on in dev)', () => {
    expect(WEB_PREFERENCES.webviewTag).toBe(false)
    expect(WEB_PREFERENCES.devTools).toBe(false)
    expect(WEB_PREFERENCES.navigateOnDragDrop).toBe(false)
  })

  it('#7 a strict Content Security Policy: nothing by default, own scripts only, no eval', () => {
    const csp = parseCsp(CONTENT_SECURITY_POLICY)
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.get('script-src')).toEqual(["'self'"])
    for (const d of ['object-src', 'base-uri', 'form-action', 'frame-ancestors', 'frame-src', 'worker-src'])
      expect(csp.get(d), d).toEqual(["'none'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|https?:|blob:/)
    // The only 'unsafe-inline' is for styles (Radix sets style attributes), never for scripts.
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'")
  })

  it('#7 the renderer page carries a CSP meta as strict as the header (plus the dev server socket)', () => {
    const html = readFileSync(join(__dirname, '../../../renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeTruthy()
    const csp = parseCsp(meta!)
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(meta).not.toContain('unsafe-eval')
  })

  it('#18 app:// is a secure standard scheme with no CSP bypass or extra powers', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true })
  })

  it('#13 only the app origin (or the dev server in development) counts as the app', () => {
    expect(isAppUrl('app://keybridge/index.html')).toBe(true)
    expect(isAppUrl('app://keybridge/')).toBe(true)
    expect(isAppUrl('app://evil/index.html')).toBe(false)
    expect(isAppUrl('file:///etc/passwd')).toBe(false)
    expect(isAppUrl('https://keybridge/')).toBe(false)
    expect(isAppUrl('http://localhost:5173/')).toBe(false)
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false)
    expect(isAppUrl('not a url')).toBe(false)
  })

  it('#15 only http(s) links without credentials may go to the browser', () => {
    expect(isSafeExternalUrl('https://developer.atlassian.com/')).toBe(true)
    expect(isSafeExternalUrl('http://homeassistant.local:8123/')).toBe(true)
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-settings:',
      'vscode://x',
      'https://user:pass@example.com/',
      'data:text/html,hi',
      '',
    ])
      expect(isSafeExternalUrl(bad), bad).toBe(false)
  })

  it('#17 IPC: only the app window main frame at the app URL is trusted', () => {
    const ok = { fromAppWindow: true, isMainFrame: true, frameUrl: 'app://keybridge/index.html' }
    expect(isTrustedSender(ok)).toBe(true)
    expect(isTrustedSender({ ...ok, fromAppWindow: false })).toBe(false)
    expect(isTrustedSender({ ...ok, isMainFrame: false })).toBe(false)
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' })).toBe(false)
    expect(isTrustedSender({ ...ok, frameUrl: null })).toBe(false)
    expect(isTrustedSender({ ...ok, frameUrl: 'http://localhost:5173/' }, 'http://localhost:5173')).toBe(true)
  })
})

describe('app:// path resolution', () => {
  const root = '/opt/keybridge/out/renderer'
  it('maps the app origin to files inside the renderer root', () => {
    expect(resolveRendererPath(root, 'app://keybridge/')).toBe(`${root}/index.html`)
    expect(resolveRendererPath(root, 'app://keybridge/index.html')).toBe(`${root}/index.html`)
    expect(resolveRendererPath(root, 'app://keybridge/assets/a%20b.js?x=1#y')).toBe(`${root}/assets/a b.js`)
  })

  it('never resolves outside the root, however the path is spelled', () => {
    for (const url of [
      'app://keybridge/../../../etc/passwd', // the URL parser already folds these into the root
      'app://keybridge/%2e%2e/%2e%2e/etc/passwd',
      'app://keybridge/assets/%2e%2e%2f%2e%2e%2f..%2fsecret',
      'app://keybridge/..%2f..%2fvault.sqlite',
      'app://keybridge/assets/..%2F..%2F..%2Fvault.sqlite',
      'app://keybridge/%2Fetc%2Fpasswd',
    ]) {
      const file = resolveRendererPath(root, url)
      expect(file === null || file.startsWith(root + '/'), `${url} -> ${file}`).toBe(true)
    }
    expect(resolveRendererPath(root, 'app://keybridge/..%2f..%2fvault.sqlite')).toBeNull()
  })

  it('refuses backslashes, NUL, broken escapes, other hosts, other schemes and other methods', () => {
    for (const url of [
      'app://keybridge/assets/..%5c..%5cwin.ini',
      'app://keybridge/index.html%00.png',
      'app://keybridge/%E0%A4%A',
      'app://other/index.html',
      'file:///opt/keybridge/out/renderer/index.html',
    ])
      expect(resolveRendererPath(root, url), url).toBeNull()
    expect(resolveRendererPath(root, 'app://keybridge/index.html', 'POST')).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import {
  covers,
  MemoryGrantStorage,
  unionScopes,
} from '../../../electron/core/bridge/upstream/remote/grant-store'
import {
  SignInRequired,
  VaultOAuthProvider,
} from '../../../electron/core/bridge/upstream/remote/oauth-provider'
import { openerCommand } from '../../../electron/core/bridge/upstream/remote/opener'
import { checkRemoteUrl } from '../../../electron/core/bridge/upstream/remote/url-policy'

const URL_WITH_QUERY = 'https://as.example.com/authorize?client_id=a&state=b&scope=mcp%20admin'

describe('the system opener', () => {
  it('honours BROWSER: the URL is one argument, %s placed, the first of a colon list', () => {
    expect(openerCommand(URL_WITH_QUERY, { BROWSER: '/usr/bin/node /tmp/browser.mjs' })).toEqual({
      command: '/usr/bin/node',
      args: ['/tmp/browser.mjs', URL_WITH_QUERY],
    })
    expect(openerCommand(URL_WITH_QUERY, { BROWSER: 'firefox --new-tab %s:chromium' })).toEqual({
      command: 'firefox',
      args: ['--new-tab', URL_WITH_QUERY],
    })
  })
  it('falls back to the platform opener, never a shell', () => {
    expect(openerCommand(URL_WITH_QUERY, {}, 'linux')).toEqual({
      command: 'xdg-open',
      args: [URL_WITH_QUERY],
    })
    expect(openerCommand(URL_WITH_QUERY, {}, 'darwin')).toEqual({ command: 'open', args: [URL_WITH_QUERY] })
    expect(openerCommand(URL_WITH_QUERY, {}, 'win32').command).toBe('rundll32')
  })
})

describe('remote URL policy', () => {
  it('takes https anywhere and http only on loopback or an allowed LAN host', () => {
    expect(checkRemoteUrl('https://mcp.linear.app/mcp').href).toBe('https://mcp.linear.app/mcp')
    for (const u of ['http://127.0.0.1:8000/mcp', 'http://localhost/mcp', 'http://[::1]:9/mcp']) {
      expect(() => checkRemoteUrl(u)).not.toThrow()
    }
    expect(() => checkRemoteUrl('http://homeassistant.local:8123/api/mcp')).toThrow(/Plain http/)
    expect(checkRemoteUrl('http://homeassistant.local:8123/api/mcp', { allowHttp: true }).host).toBe(
      'homeassistant.local:8123',
    )
    expect(() => checkRemoteUrl('https://user:pw@example.com/mcp')).toThrow(/not in the URL/)
    expect(() => checkRemoteUrl('file:///etc/passwd')).toThrow(/https/)
    expect(() => checkRemoteUrl('not a url')).toThrow(/not a URL/)
  })
})

describe('scopes', () => {
  it('covers and unions space-separated lists', () => {
    expect(covers('mcp admin', 'admin')).toBe(true)
    expect(covers('mcp', 'mcp admin')).toBe(false)
    expect(unionScopes('mcp', 'mcp admin', null)).toBe('mcp admin')
    expect(unionScopes(undefined, null)).toBeUndefined()
  })
})

describe('the vault-backed OAuth provider in the background', () => {
  it('never registers or opens a browser: it marks "needs sign-in" instead', () => {
    const storage = new MemoryGrantStorage()
    const p = new VaultOAuthProvider({ upstream: 'linear', storage, mode: 'background' })
    expect(() => p.clientInformation()).toThrow(SignInRequired)
    expect(storage.summary().status).toBe('needs_sign_in')
    storage.saveClient({ client_id: 'c1', registration: 'dynamic' })
    expect(() => p.redirectToAuthorization(new URL(URL_WITH_QUERY))).toThrow(/needs sign-in/)
  })
  it('hides the refresh token while a wider scope is wanted (a refresh cannot widen it)', () => {
    const storage = new MemoryGrantStorage()
    storage.saveTokens({ access_token: 'a', token_type: 'Bearer', refresh_token: 'r', scope: 'mcp' })
    const p = new VaultOAuthProvider({ upstream: 'x', storage, mode: 'background' })
    expect(p.tokens()?.refresh_token).toBe('r')
    p.wantScope('mcp admin')
    expect(p.tokens()?.refresh_token).toBeUndefined()
    expect(p.tokens()?.access_token).toBe('a')
    expect(() => p.redirectToAuthorization(new URL(URL_WITH_QUERY))).toThrow(/wider permission/)
  })
  it('refuses an authorization server that does not advertise PKCE S256', () => {
    const p = new VaultOAuthProvider({ upstream: 'x', storage: new MemoryGrantStorage(), mode: 'background' })
    const meta = {
      issuer: 'https://as',
      authorization_endpoint: 'https://as/a',
      token_endpoint: 'https://as/t',
      response_types_supported: ['code'],
    }
    expect(() =>
      p.saveDiscoveryState({ authorizationServerUrl: 'https://as', authorizationServerMetadata: meta }),
    ).toThrow(/PKCE/)
    expect(() =>
      p.saveDiscoveryState({
        authorizationServerUrl: 'https://as',
        authorizationServerMetadata: { ...meta, code_challenge_methods_supported: ['plain'] },
      }),
    ).toThrow(/PKCE/)
    expect(() =>
      p.saveDiscoveryState({
        authorizationServerUrl: 'https://as',
        authorizationServerMetadata: { ...meta, code_challenge_methods_supported: ['S256'] },
      }),
    ).not.toThrow()
  })
})

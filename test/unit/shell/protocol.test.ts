import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../../helpers/core'
import type { FakeElectron } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron())

const electron = (await import('electron')) as unknown as FakeElectron
const { registerAppScheme, serveRenderer } = await import('../../../electron/main/protocol')
const { CONTENT_SECURITY_POLICY } = await import('../../../electron/main/security-config')

// A real folder: the renderer root, a secret next to it, and a symlink inside pointing out.
const { dir, cleanup } = tempDir('kb-proto-')
const root = join(dir, 'renderer')
mkdirSync(join(root, 'assets'), { recursive: true })
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keybridge</title>')
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
writeFileSync(join(dir, 'vault.sqlite'), 'SECRET-VAULT-BYTES')
symlinkSync(join(dir, 'vault.sqlite'), join(root, 'assets', 'linked.js'))
afterAll(cleanup)

registerAppScheme()
serveRenderer(root)
const handler = electron.protocol.handlers.get('app')!
const get = (url: string, method = 'GET') => handler(new Request(url, { method }))

describe('#18 app:// protocol (real protocol.ts, real files)', () => {
  it('is registered privileged before ready, with no CSP bypass', () => {
    expect(electron.calls.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ])
  })

  it('serves the renderer with the CSP and nosniff headers', async () => {
    const res = await get('app://keybridge/')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>Keybridge</title>')
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await get('app://keybridge/assets/app.js')).status).toBe(200)
  })

  it('never serves anything outside its root: traversal, encoded traversal, symlinks, other hosts', async () => {
    for (const url of [
      'app://keybridge/../vault.sqlite',
      'app://keybridge/%2e%2e/vault.sqlite',
      'app://keybridge/..%2fvault.sqlite',
      'app://keybridge/assets/..%2f..%2fvault.sqlite',
      'app://keybridge/assets/linked.js',
      'app://keybridge/assets/..%5c..%5cvault.sqlite',
      'app://other-host/index.html',
      'app://keybridge/missing.js',
    ]) {
      const res = await get(url)
      expect(res.status, url).toBe(404)
      expect(await res.text()).not.toContain('SECRET-VAULT-BYTES')
    }
  })

  it('answers only reads', async () => {
    expect((await get('app://keybridge/index.html', 'POST')).status).toBe(404)
    expect((await get('app://keybridge/index.html', 'PUT')).status).toBe(404)
  })
})

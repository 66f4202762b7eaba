// Reads the real electron-builder.yml and resources/ and checks what `npm run dist` will produce.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ID, resourcePaths } from '../../../electron/main/app-config'

const root = join(__dirname, '../../..')
const require = createRequire(join(root, 'package.json'))
// js-yaml comes with electron-builder; no extra dependency for one parse.
const yaml = require('js-yaml') as { load(text: string): unknown }
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

function pngSize(file: string): [number, number] {
  const b = readFileSync(file)
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG')
  return [b.readUInt32BE(16), b.readUInt32BE(20)]
}

describe('electron-builder.yml', () => {
  it('is valid for the installed electron-builder (its own schema validation)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config')
    const { DebugLogger } = require('builder-util')
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  }, 30_000)

  it('#19 flips the fuses: no run-as-node, no NODE_OPTIONS, no inspector, asar only and verified', () => {
    expect(config['electronFuses']).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('names the app as the code does and ships only the build output plus production dependencies', () => {
    expect(config['appId']).toBe(APP_ID)
    expect(config['productName']).toBe(pkg.productName)
    expect(config['files']).toEqual(expect.arrayContaining(['out/**', 'package.json']))
    expect(pkg.main).toMatch(/^out\//)
    expect(config['asar']).toBe(true)
    expect(config['publish']).toBeNull()
  })

  it('unpacks and rebuilds the native modules for Electron at packaging time', () => {
    expect(config['asarUnpack']).toEqual(
      expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**', 'node_modules/@node-rs/**']),
    )
    expect(config['npmRebuild']).toBe(true)
    expect(pkg.scripts.dist).toMatch(
      /ensure-native\.mjs electron && .*electron-vite build && electron-builder/,
    )
  })

  it('builds AppImage + deb, a hardened-runtime dmg with minimal entitlements, a per-user NSIS installer', () => {
    expect(config['linux'].target).toEqual(['AppImage', 'deb'])
    expect(config['linux'].maintainer).toMatch(/<[^>]+@[^>]+>/) // deb needs one
    expect(config['mac'].target).toBe('dmg')
    expect(config['mac'].hardenedRuntime).toBe(true)
    const plist = readFileSync(join(root, config['mac'].entitlements), 'utf8')
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual([
      'com.apple.security.cs.allow-jit',
    ])
    expect(config['mac'].entitlementsInherit).toBe(config['mac'].entitlements)
    expect(config['win'].target).toBe('nsis')
    expect(config['nsis']).toMatchObject({
      oneClick: false,
      perMachine: false,
      deleteAppDataOnUninstall: false,
    })
  })

  it('asks before deleting user data on uninstall, and never on updates or silent uninstalls', () => {
    const nsh = readFileSync(join(root, config['nsis'].include), 'utf8')
    expect(nsh).toMatch(/!macro customUnInstall/)
    const body = nsh.slice(nsh.indexOf('!macro customUnInstall'))
    expect(body.indexOf('${ifNot} ${isUpdated}')).toBeGreaterThan(-1)
    expect(body).toMatch(/MessageBox MB_YESNO[\s\S]*\/SD IDNO IDNO keybridge_keep_data/)
    // The only deletion comes after the question and targets the app's own data folder.
    expect(body.indexOf('RMDir')).toBeGreaterThan(body.indexOf('MessageBox'))
    expect(body.match(/RMDir \/r "([^"]+)"/)![1]).toBe('$APPDATA\\${PRODUCT_FILENAME}')
  })
})

describe('icon set in resources/', () => {
  it('has every PNG size at its real pixel size, plus icon.png, .ico and .icns', () => {
    for (const s of [16, 24, 32, 48, 64, 128, 256, 512, 1024])
      expect(pngSize(join(root, `resources/icons/${s}x${s}.png`))).toEqual([s, s])
    expect(pngSize(join(root, 'resources/icon.png'))).toEqual([1024, 1024])
    const ico = readFileSync(join(root, config['win'].icon))
    expect(ico.readUInt16LE(2)).toBe(1)
    expect(ico.readUInt16LE(4)).toBe(7)
    expect(ico[6 + 16 * 6]).toBe(0) // the last entry is 256 px (stored as 0)
    expect(readFileSync(join(root, config['mac'].icon)).subarray(0, 4).toString('ascii')).toBe('icns')
    expect(existsSync(join(root, config['linux'].icon, '512x512.png'))).toBe(true)
  })

  it('has tray images (colour and macOS template, 1x and 2x) where the app looks for them', () => {
    expect(pngSize(join(root, 'resources/tray/tray.png'))).toEqual([16, 16])
    expect(pngSize(join(root, 'resources/tray/tray@2x.png'))).toEqual([32, 32])
    expect(pngSize(join(root, 'resources/tray/trayTemplate.png'))).toEqual([16, 16])
    expect(pngSize(join(root, 'resources/tray/trayTemplate@2x.png'))).toEqual([32, 32])
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const dev = resourcePaths(root, false, platform)
      expect(existsSync(dev.trayIcon), dev.trayIcon).toBe(true)
      expect(existsSync(dev.windowIcon), dev.windowIcon).toBe(true)
    }
    // Packaged: extraResources copies resources/tray → tray and the 512 px icon → icons/.
    const extra = config['extraResources'] as { from: string; to: string; filter?: string[] }[]
    const packaged = resourcePaths('/RES', true, 'linux')
    expect(extra).toContainEqual({ from: 'resources/tray', to: 'tray' })
    expect(extra).toContainEqual({ from: 'resources/icons', to: 'icons', filter: ['512x512.png'] })
    expect(packaged.trayIcon).toBe('/RES/tray/tray.png')
    expect(packaged.windowIcon).toBe('/RES/icons/512x512.png')
  })
})

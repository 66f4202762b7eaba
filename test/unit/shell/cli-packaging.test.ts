// The installed app's `keybridge` command: what electron-builder.yml ships, the launcher scripts it
// installs (run here under sh against a stand-in app executable), the main process's --cli mode
// (real index.ts against the Electron stand-in) and the npm launcher's choice of build.
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { appSelfCommand, cliArgvFromApp } from '../../../electron/core/cli/app-entry'
import { tempDir } from '../../helpers/core'
import { createFakeElectron, type FakeElectron } from './fake-electron'

const root = join(__dirname, '../../..')
const require = createRequire(join(root, 'package.json'))
const yaml = require('js-yaml') as { load(text: string): unknown }
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const SCRIPT = join(root, 'resources/bin/keybridge')
const launch = require('./electron/core/bin/launch.cjs') as {
  layout(root: string): { root: string; bundle: string; manifest: string; sources: string }
  choose(
    l: ReturnType<typeof launch.layout>,
    env: Record<string, string>,
    build: (l: unknown) => void,
  ): string
  runBundle(bundle: string): { runKeybridge?: unknown; marker?: string }
}

describe('electron-builder.yml ships the keybridge command', () => {
  it('keeps the runAsNode fuse off; Linux GUI binary renamed so /usr/bin/keybridge is the command', () => {
    expect(config['electronFuses'].runAsNode).toBe(false)
    expect(config['linux'].executableName).toBe('keybridge-desktop')
    expect(config['deb'].fpm).toContain('resources/bin/keybridge=/usr/bin/keybridge')
    expect(config['extraResources']).toContainEqual({ from: 'resources/bin', to: 'bin' })
    expect(statSync(SCRIPT).mode & 0o111).toBe(0o111)
    const cmd = readFileSync(join(root, 'resources/bin/keybridge.cmd'), 'utf8')
    expect(cmd).toContain('"%~dp0..\\..\\Keybridge.exe" --cli %*')
    expect(cmd).toContain('exit /b %ERRORLEVEL%')
  })

  it('documents where the command lands on each OS', () => {
    const doc = readFileSync(join(root, 'docs/PACKAGING.md'), 'utf8')
    for (const where of [
      '/usr/bin/keybridge',
      'Contents/Resources/bin/keybridge',
      'resources\\bin\\keybridge.cmd',
      '--cli',
    ])
      expect(doc).toContain(where)
  })
})

describe('resources/bin/keybridge (POSIX launcher script)', () => {
  const t = tempDir('kb-cli-script-')

  /** A stand-in for the app executable: records its arguments, exits 3. */
  function fakeApp(path: string) {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${path}.args"\nexit 3\n`)
    chmodSync(path, 0o755)
  }

  it.each([
    ['Linux (/opt/Keybridge)', 'opt/Keybridge/resources/bin/keybridge', 'opt/Keybridge/keybridge-desktop'],
    [
      'macOS (.app bundle)',
      'Keybridge.app/Contents/Resources/bin/keybridge',
      'Keybridge.app/Contents/MacOS/Keybridge',
    ],
  ])(
    '%s: runs the app with --cli and every argument, through a symlink, with its exit code',
    (_, script, exe) => {
      const s = join(t.dir, script)
      mkdirSync(join(s, '..'), { recursive: true })
      copyFileSync(SCRIPT, s)
      chmodSync(s, 0o755)
      fakeApp(join(t.dir, exe))
      const link = join(t.dir, `link-${exe.replace(/\W/g, '')}`)
      symlinkSync(s, link)
      const r = spawnSync(link, ['credential', 'add', '--name', 'two words', '--field', 'token=-'], {
        encoding: 'utf8',
      })
      expect(r.status).toBe(3)
      expect(
        readFileSync(join(t.dir, `${exe}.args`), 'utf8')
          .split('\n')
          .slice(0, -1),
      ).toEqual(['--cli', 'credential', 'add', '--name', 'two words', '--field', 'token=-'])
    },
  )

  it('says so when the app is not next to it', () => {
    const lonely = join(t.dir, 'lonely/keybridge')
    mkdirSync(join(lonely, '..'), { recursive: true })
    copyFileSync(SCRIPT, lonely)
    chmodSync(lonely, 0o755)
    const r = spawnSync(lonely, ['--help'], { encoding: 'utf8' })
    if (
      statSync('/opt', { throwIfNoEntry: false }) &&
      spawnSync('test', ['-x', '/opt/Keybridge/keybridge-desktop']).status === 0
    )
      return
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('the Keybridge desktop app was not found')
  })
})

describe('Keybridge --cli (the main process as the command)', () => {
  it('finds --cli only as the first argument, and starts itself again the same way', () => {
    expect(
      cliArgvFromApp(['/opt/Keybridge/keybridge-desktop', '--cli', 'credential', 'list'], false),
    ).toEqual(['credential', 'list'])
    expect(cliArgvFromApp(['electron', '.', '--cli', '--help'], true)).toEqual(['--help'])
    expect(cliArgvFromApp(['/opt/Keybridge/keybridge-desktop', 'file', '--cli'], false)).toBeNull()
    expect(cliArgvFromApp(['/opt/Keybridge/keybridge-desktop'], false)).toBeNull()
    expect(appSelfCommand('/x/Keybridge', ['/x/Keybridge', '--cli'], false)).toEqual({
      command: '/x/Keybridge',
      args: ['--cli'],
    })
    expect(appSelfCommand('/x/electron', ['/x/electron', '/app', '--cli'], true)).toEqual({
      command: '/x/electron',
      args: ['/app', '--cli'],
    })
  })

  it('runs the command before any window, lock or tray, and exits with its code', async () => {
    vi.resetModules()
    vi.doMock('electron', () => createFakeElectron())
    const electron = (await import('electron')) as unknown as FakeElectron
    const argv = process.argv
    const written: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (written.push(String(s)), true))
    const lock = vi.fn(() => true)
    electron.app.requestSingleInstanceLock = lock
    try {
      electron.app.isPackaged = true
      ;(process as { resourcesPath?: string }).resourcesPath = join(root, 'resources')
      process.argv = ['/opt/Keybridge/keybridge-desktop', '--cli', '--version']
      await import('../../../electron/main/index')
      electron.ready()
      for (let i = 0; i < 200 && electron.calls.exit.length === 0; i++)
        await new Promise((r) => setTimeout(r, 10))
    } finally {
      process.argv = argv
      write.mockRestore()
      vi.doUnmock('electron')
    }
    expect(electron.calls.exit).toEqual([0])
    expect(written.join('')).toMatch(/^\d+\.\d+\.\d+/)
    expect(lock).not.toHaveBeenCalled()
    expect(electron.BrowserWindow.instances).toHaveLength(0)
    expect(electron.Tray.instances).toHaveLength(0)
  })
})

describe('the npm launcher (electron/core/bin/launch.cjs) picks the build', () => {
  const t = tempDir('kb-cli-launch-')
  function clone(name: string, opts: { sources?: boolean; bundle?: boolean } = {}) {
    const l = launch.layout(join(t.dir, name))
    mkdirSync(join(l.root, 'out/cli'), { recursive: true })
    mkdirSync(join(l.root, 'electron/core'), { recursive: true })
    if (opts.sources) writeFileSync(l.sources, '// sources\n')
    if (opts.bundle) {
      writeFileSync(
        l.bundle,
        'module.exports.marker = "bundle " + require("node:path").basename(__filename)\n',
      )
      writeFileSync(
        l.manifest,
        JSON.stringify({
          builtAt: statSync(l.bundle).mtimeMs,
          inputs: opts.sources ? ['electron/core/cli.ts'] : [],
        }),
      )
    }
    return l
  }
  const noBuild = () => {
    throw new Error('no esbuild')
  }

  it('an install without sources runs the bundle it ships, or says it is missing', () => {
    expect(launch.choose(clone('installed', { bundle: true }), {}, noBuild)).toBe('bundle')
    expect(launch.choose(clone('broken'), {}, noBuild)).toBe('missing')
  })

  it('a clone runs a fresh bundle, rebuilds a stale one, and falls back to the sources', () => {
    const l = clone('clone', { sources: true, bundle: true })
    utimesSync(l.sources, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    const build = vi.fn()
    expect(launch.choose(l, {}, build)).toBe('bundle')
    expect(build).not.toHaveBeenCalled()
    utimesSync(l.sources, new Date(), new Date(Date.now() + 5_000)) // edited after the build
    expect(launch.choose(l, {}, build)).toBe('bundle')
    expect(build).toHaveBeenCalledTimes(1)
    expect(launch.choose(l, {}, noBuild)).toBe('source')
    expect(launch.choose(clone('fresh', { sources: true }), {}, noBuild)).toBe('source')
    expect(launch.choose(l, { KEYBRIDGE_CLI_SOURCE: '1' }, build)).toBe('source')
  })

  it('an unpacked npm tarball (sources and bundle stamped alike) runs the bundle without building', () => {
    const l = clone('tarball', { sources: true, bundle: true })
    const stamp = new Date('1985-10-26T08:15:00Z') // what npm pack gives every file
    for (const f of [l.sources, l.bundle, l.manifest]) utimesSync(f, stamp, stamp)
    expect(launch.choose(l, {}, noBuild)).toBe('bundle')
  })

  it('runs the bundle with a V8 code cache it writes once, never one of another build', () => {
    const l = clone('cached', { bundle: true })
    expect(launch.runBundle(l.bundle).marker).toBe('bundle keybridge.cjs')
    process.emit('exit', 0)
    const cache = readFileSync(l.bundle + '.v8cache')
    expect(cache.subarray(0, cache.indexOf(10)).toString()).toMatch(/^[\d.]+:\d+$/)
    writeFileSync(
      l.bundle,
      'module.exports.marker = "rebuilt " + require("node:path").basename(__filename)\n',
    )
    expect(launch.runBundle(l.bundle).marker).toBe('rebuilt keybridge.cjs')
  })
})

describe('the real launcher in this clone', () => {
  const bin = join(root, 'electron/core/bin/keybridge.cjs')
  it.each([
    ['the bundle', {}],
    ['the sources through tsx (KEYBRIDGE_CLI_SOURCE=1)', { KEYBRIDGE_CLI_SOURCE: '1' }],
  ])('runs %s', (_, env) => {
    const r = spawnSync(process.execPath, [bin, 'services', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    })
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as { id: string }[]).map((s) => s.id)).toContain('github')
  })
})

import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AUTOSTART_FILE, autostartEntry, setLinuxAutostart } from '../../../electron/main/autostart'
import { makePrivateDir } from '../../../electron/main/data-dir'
import {
  once,
  quitsWhenAllClosed,
  shouldHideOnClose,
  startsHidden,
  START_HIDDEN_ARG,
} from '../../../electron/main/lifecycle'
import { tempDir } from '../../helpers/core'

describe('shell lifecycle decisions', () => {
  it('hides to the tray on close only when asked, with a tray, and not while quitting', () => {
    expect(shouldHideOnClose({ quitting: false, closeToTray: true, hasTray: true })).toBe(true)
    expect(shouldHideOnClose({ quitting: true, closeToTray: true, hasTray: true })).toBe(false)
    expect(shouldHideOnClose({ quitting: false, closeToTray: false, hasTray: true })).toBe(false)
    expect(shouldHideOnClose({ quitting: false, closeToTray: true, hasTray: false })).toBe(false)
  })

  it('quits when the last window closes except on macOS; starts hidden only with the login flag', () => {
    expect(quitsWhenAllClosed('linux')).toBe(true)
    expect(quitsWhenAllClosed('win32')).toBe(true)
    expect(quitsWhenAllClosed('darwin')).toBe(false)
    expect(startsHidden(['/opt/Keybridge/keybridge', START_HIDDEN_ARG])).toBe(true)
    expect(startsHidden(['/opt/Keybridge/keybridge'])).toBe(false)
  })

  it('runs the shutdown once, however many quit paths ask for it', async () => {
    let runs = 0
    const shutdown = once(async () => {
      runs++
      await new Promise((r) => setTimeout(r, 5))
    })
    await Promise.all([shutdown(), shutdown(), shutdown()])
    expect(runs).toBe(1)
  })
})

describe('Linux open-at-login (XDG autostart entry)', () => {
  it('writes an entry that starts Keybridge hidden, quoting the path safely, and removes it', () => {
    const { dir, cleanup } = tempDir('kb-autostart-')
    try {
      const exe = '/home/me/Apps/Key "bridge" $HOME 100%.AppImage'
      setLinuxAutostart(dir, true, exe, [START_HIDDEN_ARG])
      const file = join(dir, 'autostart', AUTOSTART_FILE)
      const text = readFileSync(file, 'utf8')
      expect(text).toContain('[Desktop Entry]\nType=Application\nName=Keybridge')
      expect(text).toContain('Exec="/home/me/Apps/Key \\\\"bridge\\\\" \\\\$HOME 100%%.AppImage" "--hidden"')
      setLinuxAutostart(dir, false, exe, [START_HIDDEN_ARG])
      expect(existsSync(file)).toBe(false)
      setLinuxAutostart(dir, false, exe, []) // removing twice is fine
    } finally {
      cleanup()
    }
  })

  it('puts one Exec line and nothing the launcher would expand', () => {
    const entry = autostartEntry('/usr/bin/keybridge', ['--hidden'])
    expect(entry.match(/^Exec=/gm)).toHaveLength(1)
    expect(entry).toContain('Exec="/usr/bin/keybridge" "--hidden"')
  })
})

describe('private data folder', () => {
  it('makes an existing world-readable folder owner-only (POSIX) and creates a missing one', () => {
    const { dir, cleanup } = tempDir('kb-datadir-')
    try {
      chmodSync(dir, 0o755)
      makePrivateDir(dir, 'linux')
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      const nested = join(dir, 'a', 'Keybridge')
      makePrivateDir(nested, 'linux')
      expect(statSync(nested).mode & 0o777).toBe(0o700)
    } finally {
      cleanup()
    }
  })
})

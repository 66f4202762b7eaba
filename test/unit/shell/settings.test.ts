import { afterEach, describe, expect, it } from 'vitest'
import { languageFromLocale } from '../../../electron/core/settings/desktop-settings'
import { makeCore, tempDir } from '../../helpers/core'

describe('desktop preferences (settings.* channels)', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('start from defaults, update a subset, persist across restarts and announce the change', async () => {
    const { dir, cleanup } = tempDir()
    cleanups.push(cleanup)
    const core = await makeCore({ dataDir: dir, env: { LANG: 'fr_FR.UTF-8' } })
    const seen: unknown[] = []
    core.ctx.events.subscribe((name, payload) => {
      if (name === 'settings.changed') seen.push(payload)
    })
    expect(await core.invoke('settings.get', undefined)).toEqual({
      ok: true,
      data: { theme: 'system', language: 'fr', closeToTray: true, openAtLogin: false },
    })
    const updated = await core.invoke('settings.update', { theme: 'dark', openAtLogin: true })
    expect(updated).toEqual({
      ok: true,
      data: { theme: 'dark', language: 'fr', closeToTray: true, openAtLogin: true },
    })
    expect(seen).toEqual([{ theme: 'dark', language: 'fr', closeToTray: true, openAtLogin: true }])
    // The same value again changes nothing and says nothing.
    await core.invoke('settings.update', { theme: 'dark' })
    expect(seen).toHaveLength(1)
    await core.invoke('settings.update', { language: 'fr' }) // now an explicit choice, not the locale's
    await core.close()

    // Works while the vault is locked (it is never created here) and survives a restart.
    const again = await makeCore({ dataDir: dir, env: { LANG: 'en_US.UTF-8' } })
    cleanups.push(() => again.close())
    expect(await again.invoke('settings.get', {})).toMatchObject({
      ok: true,
      data: { theme: 'dark', language: 'fr', openAtLogin: true },
    })
  })

  it('refuses bad values and unknown keys without changing anything', async () => {
    const core = await makeCore()
    cleanups.push(core.dispose)
    expect(await core.invoke('settings.update', { theme: 'neon' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await core.invoke('settings.update', { language: 'de' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await core.invoke('settings.update', { closeToTray: false, evil: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await core.invoke('settings.get', undefined)).toMatchObject({
      ok: true,
      data: { theme: 'system', language: 'en', closeToTray: true },
    })
  })

  it('falls back field by field when a stored value is damaged', async () => {
    const core = await makeCore()
    cleanups.push(core.dispose)
    await core.invoke('settings.update', { theme: 'light', closeToTray: false })
    core.ctx.settings.set('desktop.theme', 'neon')
    expect(await core.invoke('settings.get', undefined)).toMatchObject({
      ok: true,
      data: { theme: 'system', closeToTray: false },
    })
  })

  it('picks the language from the system locale until the user chooses', () => {
    expect(languageFromLocale('fr-CA')).toBe('fr')
    expect(languageFromLocale('FR_fr.UTF-8')).toBe('fr')
    expect(languageFromLocale('en-GB')).toBe('en')
    expect(languageFromLocale('de-DE')).toBe('en')
    expect(languageFromLocale(undefined)).toBe('en')
  })
})

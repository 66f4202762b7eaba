import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelName, IpcResult } from '../../../shared/ipc'
import {
  readTrayState,
  runTrayAction,
  trayMenu,
  trayTooltip,
  type TrayState,
} from '../../../electron/main/tray-model'
import { makeCore, TEST_PASSWORD } from '../../helpers/core'

const base: TrayState = {
  language: 'en',
  vault: { initialized: true, locked: false },
  bridge: { running: true, sessions: 2, url: 'http://127.0.0.1:7337/mcp' },
}
const labels = (s: TrayState) => trayMenu(s).map((i) => i.label ?? '---')

describe('tray menu', () => {
  it('shows vault state, bridge on/off with connected clients, lock now, open and quit', () => {
    expect(labels(base)).toEqual([
      'Vault unlocked',
      'Bridge on · 2 clients connected',
      '---',
      'Bridge',
      'Lock now',
      '---',
      'Open Keybridge',
      'Quit Keybridge',
    ])
    const toggle = trayMenu(base).find((i) => i.type === 'checkbox')!
    expect(toggle).toMatchObject({ checked: true, enabled: true, action: 'bridge-stop' })
    expect(trayTooltip(base)).toBe('Keybridge — Vault unlocked — Bridge on · 2 clients connected')
  })

  it('adapts to a stopped bridge, one client, a locked or missing vault, an unavailable bridge', () => {
    const stopped = { ...base, bridge: { running: false, sessions: 0, url: null } }
    expect(trayMenu(stopped).find((i) => i.type === 'checkbox')).toMatchObject({
      checked: false,
      action: 'bridge-start',
    })
    expect(labels(stopped)[1]).toBe('Bridge off')
    expect(labels({ ...base, bridge: { ...base.bridge!, sessions: 1 } })[1]).toBe(
      'Bridge on · 1 client connected',
    )
    const locked = trayMenu({ ...base, vault: { initialized: true, locked: true } })
    expect(locked[0]!.label).toBe('Vault locked')
    expect(locked.find((i) => i.action === 'lock')!.enabled).toBe(false)
    expect(labels({ ...base, vault: { initialized: false, locked: true } })[0]).toBe('No vault yet')
    const unavailable = trayMenu({ ...base, bridge: null })
    expect(unavailable[1]!.label).toBe('Bridge unavailable')
    expect(unavailable.find((i) => i.type === 'checkbox')!.enabled).toBe(false)
  })

  it('speaks French when the user chose French', () => {
    expect(labels({ ...base, language: 'fr' })).toContain('Verrouiller maintenant')
    expect(labels({ ...base, language: 'fr' })[1]).toBe('Pont actif · 2 clients connectés')
  })
})

describe('tray actions and state over a real core', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  it('reads the state through the channels and locks the vault with "Lock now"', async () => {
    const core = await makeCore({ unlocked: true })
    dispose = core.dispose
    const invoke = (c: ChannelName, i?: unknown) => core.invoke(c, i)
    await core.invoke('settings.update', { language: 'fr' })
    const state = await readTrayState(invoke)
    expect(state.language).toBe('fr')
    expect(state.vault).toMatchObject({ initialized: true, locked: false })

    const reports: string[] = []
    const deps = { invoke, show: () => {}, quit: () => {}, report: (m: string) => reports.push(m) }
    await runTrayAction('lock', deps)
    expect(core.ctx.vault.status().locked).toBe(true)
    expect(reports).toEqual([])
    await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
  })

  it('routes open and quit to the shell, bridge on/off to bridge.start / bridge.stop, failures to report', async () => {
    const called: string[] = []
    const reports: string[] = []
    const invoke = async (c: ChannelName): Promise<IpcResult> => {
      called.push(c)
      return c === 'bridge.start'
        ? { ok: false, error: { code: 'VAULT_LOCKED', message: 'Unlock the vault first.' } }
        : { ok: true, data: null }
    }
    const deps = {
      invoke,
      show: () => called.push('show'),
      quit: () => called.push('quit'),
      report: (m: string) => reports.push(m),
    }
    for (const a of ['open', 'bridge-start', 'bridge-stop', 'quit'] as const) await runTrayAction(a, deps)
    expect(called).toEqual(['show', 'bridge.start', 'bridge.stop', 'quit'])
    expect(reports).toEqual(['Unlock the vault first.'])
  })
})

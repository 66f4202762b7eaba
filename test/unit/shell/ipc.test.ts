import { afterEach, describe, expect, it, vi } from 'vitest'
import { IPC_EVENT, IPC_INVOKE } from '../../../shared/ipc'
import { makeCore } from '../../helpers/core'
import { FakeWebContents, type FakeElectron } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron())

const electron = (await import('electron')) as unknown as FakeElectron
const { registerIpc } = await import('../../../electron/main/ipc')

describe('#17 IPC sender check (real ipc.ts, real core)', () => {
  let cleanup = async () => {}
  afterEach(() => cleanup())

  async function setup(devServerUrl?: string) {
    const core = await makeCore()
    const appContents = new FakeWebContents('app://keybridge/index.html')
    const off = registerIpc(core, () => appContents as never, devServerUrl)
    cleanup = async () => {
      off()
      await core.dispose()
    }
    const handler = electron.ipcMain.handlers.get(IPC_INVOKE)!
    const call = (event: object, channel: unknown, input?: unknown) => handler(event, channel, input)
    return { core, appContents, call }
  }

  it('answers the app window main frame at the app URL through the real dispatch', async () => {
    const { appContents, call } = await setup()
    const res = await call({ sender: appContents, senderFrame: appContents.mainFrame }, 'vault.status')
    expect(res).toMatchObject({ ok: true, data: { initialized: false, locked: true } })
  })

  it('refuses another window, a subframe, a foreign URL and a missing frame', async () => {
    const { appContents, call } = await setup()
    const other = new FakeWebContents('app://keybridge/index.html')
    const iframe = { url: 'app://keybridge/index.html' }
    const forbidden = { ok: false, error: { code: 'FORBIDDEN_SENDER', message: expect.any(String) } }
    expect(await call({ sender: other, senderFrame: other.mainFrame }, 'vault.status')).toEqual(forbidden)
    expect(await call({ sender: appContents, senderFrame: iframe }, 'vault.status')).toEqual(forbidden)
    expect(await call({ sender: appContents, senderFrame: null }, 'vault.status')).toEqual(forbidden)
    appContents.mainFrame.url = 'https://evil.example/'
    expect(await call({ sender: appContents, senderFrame: appContents.mainFrame }, 'vault.status')).toEqual(
      forbidden,
    )
  })

  it('refuses the dev server URL in production and accepts it only when given', async () => {
    const { appContents, call } = await setup()
    appContents.mainFrame.url = 'http://localhost:5173/'
    expect(await call({ sender: appContents, senderFrame: appContents.mainFrame }, 'app.info')).toMatchObject(
      {
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' },
      },
    )
    await cleanup()
    const dev = await setup('http://localhost:5173')
    dev.appContents.mainFrame.url = 'http://localhost:5173/'
    expect(
      await dev.call({ sender: dev.appContents, senderFrame: dev.appContents.mainFrame }, 'app.info'),
    ).toMatchObject({ ok: true })
  })

  it('refuses unknown channels and bad input with typed errors, never stack traces', async () => {
    const { appContents, call } = await setup()
    const ev = { sender: appContents, senderFrame: appContents.mainFrame }
    expect(await call(ev, 'constructor')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
    const bad = await call(ev, 'settings.update', { theme: 42 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(JSON.stringify(bad)).not.toMatch(/at .*\.ts:\d+/)
  })

  it('forwards core events to the window, parsed by their schema, and unregisters cleanly', async () => {
    const { core, appContents, call } = await setup()
    await call({ sender: appContents, senderFrame: appContents.mainFrame }, 'settings.update', {
      theme: 'dark',
    })
    expect(appContents.sent).toContainEqual([
      IPC_EVENT,
      'settings.changed',
      expect.objectContaining({ theme: 'dark' }),
    ])
    await cleanup()
    cleanup = async () => {}
    expect(electron.ipcMain.handlers.has(IPC_INVOKE)).toBe(false)
    appContents.sent.length = 0
    core.ctx.events.emit('settings.changed', {
      theme: 'light',
      language: 'en',
      closeToTray: true,
      openAtLogin: false,
    })
    expect(appContents.sent).toEqual([])
  })
})

describe('preload (real preload/index.ts)', () => {
  it('exposes exactly invoke and on, over the two contract channels', async () => {
    await import('../../../electron/preload/index')
    expect([...electron.exposed.keys()]).toEqual(['keybridge'])
    const api = electron.exposed.get('keybridge') as {
      invoke(c: string, i?: unknown): Promise<unknown>
      on(n: string, l: (p: unknown) => void): () => void
    }
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on'])
    await api.invoke('vault.status', { a: 1 })
    expect(electron.ipcRenderer.invocations).toEqual([[IPC_INVOKE, 'vault.status', { a: 1 }]])
    const got: unknown[] = []
    const off = api.on('vault.changed', (p) => got.push(p))
    electron.ipcRenderer.emit(IPC_EVENT, {}, 'vault.changed', { locked: true })
    electron.ipcRenderer.emit(IPC_EVENT, {}, 'other.event', { x: 1 })
    off()
    electron.ipcRenderer.emit(IPC_EVENT, {}, 'vault.changed', { locked: false })
    expect(got).toEqual([{ locked: true }])
  })
})

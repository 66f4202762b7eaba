import { describe, expect, it, vi } from 'vitest'
import type { FakeElectron } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron())

const electron = (await import('electron')) as unknown as FakeElectron
const { desktopNotifier } = await import('../../../electron/main/notifications')

describe('desktop notifications (the core notify hook)', () => {
  it('shows approvals as urgent and persistent, others as normal; a click opens the window', () => {
    let opened = 0
    const notify = desktopNotifier('/icons/512x512.png', () => opened++)
    notify({
      title: 'Approve homeassistant.call_service?',
      body: 'Claude Desktop asks to turn off the heating.',
      kind: 'approval',
    })
    notify({ title: 'GitHub token expired', body: 'Reconnect the "work" account.', kind: 'credential' })
    const [approval, credential] = electron.calls.notifications
    expect(approval!.options).toMatchObject({
      urgency: 'critical',
      timeoutType: 'never',
      icon: '/icons/512x512.png',
    })
    expect(credential!.options).toMatchObject({ urgency: 'normal', title: 'GitHub token expired' })
    expect(approval!.shown && credential!.shown).toBe(true)
    approval!.emit('click')
    expect(opened).toBe(1)
  })

  it('does nothing where the system has no notifications', () => {
    electron.Notification.isSupported = () => false
    const before = electron.calls.notifications.length
    desktopNotifier('/i.png', () => {})({ title: 't', body: 'b', kind: 'bridge' })
    expect(electron.calls.notifications.length).toBe(before)
  })
})

import { Notification } from 'electron'
import type { CoreOptions } from '../core/context'

type Notify = NonNullable<CoreOptions['notify']>

/** Desktop notifications for the core (approvals, credential problems, bridge errors). */
export function desktopNotifier(icon: string, onClick: () => void): Notify {
  // Electron drops click handlers of notifications that were garbage-collected: keep them alive.
  const live = new Set<Notification>()
  return ({ title, body, kind }) => {
    if (!Notification.isSupported()) return
    const urgent = kind === 'approval'
    const n = new Notification({
      title,
      body,
      icon,
      urgency: urgent ? 'critical' : 'normal',
      timeoutType: urgent ? 'never' : 'default',
    })
    live.add(n)
    const done = () => live.delete(n)
    n.on('click', () => {
      done()
      onClick()
    })
    n.on('close', done)
    n.on('failed', done)
    n.show()
  }
}

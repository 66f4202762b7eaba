import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { IPC_INVOKE, IPC_EVENT, events, type EventName, type IpcResult } from '../../shared/ipc'
import type { Core } from '../core/app'
import { isTrustedSender } from './security-config'

const FORBIDDEN: IpcResult = {
  ok: false,
  error: { code: 'FORBIDDEN_SENDER', message: 'This window may not talk to Keybridge.' },
}

/**
 * One invoke channel carries the whole contract; core's dispatch checks the channel name and parses
 * input and output. Here we only check who is asking: the app's own main frame, at the app's URL.
 */
export function registerIpc(
  core: Core,
  getWindowContents: () => WebContents | null,
  devServerUrl?: string,
): () => void {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, channel: unknown, input: unknown) => {
    const contents = getWindowContents()
    const frame = event.senderFrame
    const trusted = isTrustedSender(
      {
        fromAppWindow: !!contents && event.sender === contents,
        isMainFrame: !!frame && !!contents && frame === contents.mainFrame,
        frameUrl: frame?.url ?? null,
      },
      devServerUrl,
    )
    return trusted ? core.invoke(channel, input, { actor: 'ui' }) : FORBIDDEN
  })
  const off = core.ctx.events.subscribe((name: EventName, payload) => {
    const parsed = events[name].safeParse(payload)
    if (parsed.success) getWindowContents()?.send(IPC_EVENT, name, parsed.data)
  })
  return () => {
    ipcMain.removeHandler(IPC_INVOKE)
    off()
  }
}

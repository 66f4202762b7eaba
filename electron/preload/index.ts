import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

// The renderer's only door: invoke(channel, input) and on(event, listener). Channel names and
// payloads are checked in the main process; nothing from Node or Electron is exposed.
const INVOKE = 'keybridge:invoke'
const EVENT = 'keybridge:event'

contextBridge.exposeInMainWorld('keybridge', {
  invoke: (channel: string, input?: unknown) => ipcRenderer.invoke(INVOKE, channel, input),
  on: (name: string, listener: (payload: unknown) => void) => {
    const wrapped = (_e: IpcRendererEvent, eventName: string, payload: unknown) => {
      if (eventName === name) listener(payload)
    }
    ipcRenderer.on(EVENT, wrapped)
    return () => {
      ipcRenderer.removeListener(EVENT, wrapped)
    }
  },
})

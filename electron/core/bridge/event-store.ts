import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

/** Events kept per session for Last-Event-ID replay, and their total size. */
const MAX_EVENTS = 256
const MAX_BYTES = 4 * 1024 * 1024

/**
 * Resumability for one session's SSE streams (the SDK's EventStore): every event gets an id
 * `<stream>.<n>`, and a client that reconnects with `Last-Event-ID` gets the events of that stream it
 * missed. Bounded (the SDK's InMemoryEventStore keeps everything forever): the oldest events go
 * first, so a client away for too long replays what is left.
 */
export class BoundedEventStore implements EventStore {
  private events: { id: string; stream: string; message: JSONRPCMessage; size: number }[] = []
  private bytes = 0
  private seq = 0

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}.${++this.seq}`
    // Sizes are estimated cheaply: most events are small answers, and the bound is a safety net.
    const size = 'result' in message || 'params' in message ? JSON.stringify(message).length : 64
    this.events.push({ id, stream: streamId, message, size })
    this.bytes += size
    while (this.events.length > MAX_EVENTS || (this.bytes > MAX_BYTES && this.events.length > 1)) {
      this.bytes -= this.events.shift()!.size
    }
    return id
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const dot = eventId.lastIndexOf('.')
    if (dot <= 0 || !/^\d+$/.test(eventId.slice(dot + 1))) return undefined
    return eventId.slice(0, dot)
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const stream = (await this.getStreamIdForEventId(lastEventId)) ?? ''
    const after = Number(lastEventId.slice(lastEventId.lastIndexOf('.') + 1))
    for (const e of this.events) {
      if (e.stream !== stream || Number(e.id.slice(e.id.lastIndexOf('.') + 1)) <= after) continue
      // The priming event (empty message) is not an event to replay.
      if (!('jsonrpc' in e.message)) continue
      await send(e.id, e.message)
    }
    return stream
  }
}

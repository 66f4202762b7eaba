import type { EventName, EventPayload } from '../../shared/ipc'

type Listener = (name: EventName, payload: unknown) => void

/** Core → UI notifications (lock state, approvals, bridge activity). Main forwards them to the window. */
export class EventBus {
  private listeners = new Set<Listener>()
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const l of this.listeners) {
      try {
        l(name, payload)
      } catch {
        // A broken listener must not break the core operation that emitted.
      }
    }
  }
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

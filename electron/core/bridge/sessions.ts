import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js'
import { PassThrough } from './upstream/connection'
import type { CallRoute } from './tool-source'
import type { TokenIdentity } from './tokens'

/** Requests Keybridge sends a client on an upstream's behalf may wait on a person (sampling, elicitation). */
export const CLIENT_REQUEST_TIMEOUT_MS = 10 * 60_000
/** Outside a call they go on the session's GET stream, which a client may not have open: shorter. */
const OUT_OF_CALL_TIMEOUT_MS = 60_000

export interface SessionEntry {
  server: Server
  identity: TokenIdentity
  /** Resource URIs (as the client knows them) this session subscribed to. */
  subscriptions: Set<string>
  /** The level the client set with logging/setLevel (none: every message). */
  logLevel: LoggingLevel | null
}

const SEVERITY: LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
]
export const severity = (l: LoggingLevel): number => SEVERITY.indexOf(l)

/** The client sessions connected right now, for notifications that are not the answer to a request. */
export class SessionHub {
  private entries = new Map<Server, SessionEntry>()

  add(server: Server, identity: TokenIdentity): SessionEntry {
    const e: SessionEntry = { server, identity, subscriptions: new Set(), logLevel: null }
    this.entries.set(server, e)
    return e
  }

  remove(server: Server): SessionEntry | undefined {
    const e = this.entries.get(server)
    this.entries.delete(server)
    return e
  }

  of(server: Server): SessionEntry | undefined {
    return this.entries.get(server)
  }

  all(): SessionEntry[] {
    return [...this.entries.values()]
  }

  bySessionId(id: string): SessionEntry | undefined {
    for (const e of this.entries.values()) if (e.server.transport?.sessionId === id) return e
    return undefined
  }

  /** A route to a session outside any request (its GET stream): for per-client upstream processes. */
  routeOf(e: SessionEntry): CallRoute {
    return {
      sessionId: e.server.transport?.sessionId,
      clientName: e.identity.name,
      tokenId: e.identity.id,
      scopes: e.identity.scopes,
      clientCapabilities: e.server.getClientCapabilities(),
      notify: (n) => e.server.notification(n),
      request: (r, signal) =>
        e.server.request(r as never, PassThrough as never, {
          signal,
          timeout: OUT_OF_CALL_TIMEOUT_MS,
          resetTimeoutOnProgress: true,
        }) as Promise<Record<string, unknown>>,
    }
  }
}

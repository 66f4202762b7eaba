import { Agent, WebSocket } from 'undici'
import { DEFAULT_TIMEOUT_MS } from './rest-client'
import { HaError } from './errors'

interface Pending {
  resolve(v: unknown): void
  reject(e: Error): void
  timer: NodeJS.Timeout
}

export interface HaEvent {
  event_type: string
  data: Record<string, unknown>
  time_fired?: string
  origin?: string
  context?: unknown
}

/** ws(s)://host/api/websocket for a normalised base URL. */
export function websocketUrl(baseUrl: string): string {
  return baseUrl.replace(/^http/, 'ws') + '/api/websocket'
}

/**
 * Home Assistant's WebSocket API: auth_required → auth → auth_ok / auth_invalid, then commands with
 * increasing integer ids answered by `result` messages. Used for live state (event subscriptions)
 * and the registries the REST API does not expose (areas).
 */
export class HaWebSocket {
  private nextId = 1
  private pending = new Map<number, Pending>()
  private subscriptions = new Map<number, (e: HaEvent) => void>()
  private closedError: HaError | null = null

  private constructor(
    private readonly ws: WebSocket,
    private readonly agent: Agent,
    readonly haVersion: string,
    private readonly timeoutMs: number,
  ) {
    ws.addEventListener('message', (ev) => this.onMessage(String(ev.data)))
    ws.addEventListener('close', () =>
      this.fail(new HaError('unreachable', 'Home Assistant closed the WebSocket connection.')),
    )
  }

  static connect(baseUrl: string, token: string, opts: { timeoutMs?: number } = {}): Promise<HaWebSocket> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const agent = new Agent({ connect: { timeout: timeoutMs } })
    const url = websocketUrl(baseUrl)
    return new Promise((resolve, reject) => {
      let settled = false
      const ws = new WebSocket(url, { dispatcher: agent })
      const done = (err: HaError | null, value?: HaWebSocket) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        ws.removeEventListener('message', onMessage)
        if (err) {
          try {
            ws.close()
          } catch {
            // already closed
          }
          void agent.close().catch(() => undefined)
          reject(err)
        } else resolve(value!)
      }
      const timer = setTimeout(
        () =>
          done(
            new HaError('timeout', `${url} did not complete the WebSocket handshake within ${timeoutMs} ms.`),
          ),
        timeoutMs,
      )
      const onMessage = (ev: { data: unknown }) => {
        let msg: { type?: string; ha_version?: string; message?: string }
        try {
          msg = JSON.parse(String(ev.data)) as typeof msg
        } catch {
          return done(
            new HaError('not_home_assistant', `${url} sent something that is not Home Assistant's protocol.`),
          )
        }
        if (msg.type === 'auth_required') ws.send(JSON.stringify({ type: 'auth', access_token: token }))
        else if (msg.type === 'auth_ok')
          done(null, new HaWebSocket(ws, agent, msg.ha_version ?? 'unknown', timeoutMs))
        else if (msg.type === 'auth_invalid') {
          done(
            new HaError(
              'bad_token',
              `Home Assistant refused the access token on the WebSocket API (${msg.message ?? 'auth_invalid'}).`,
            ),
          )
        } else
          done(new HaError('not_home_assistant', `${url} did not start Home Assistant's authentication.`))
      }
      ws.addEventListener('message', onMessage)
      ws.addEventListener('error', () =>
        done(new HaError('unreachable', `The WebSocket API at ${url} could not be reached.`)),
      )
      ws.addEventListener('close', () =>
        done(new HaError('unreachable', `${url} closed the connection during authentication.`)),
      )
    })
  }

  /** Sends one command and resolves with its `result`; success:false becomes a HaError. */
  command<T = unknown>(type: string, payload: Record<string, unknown> = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError)
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new HaError('timeout', `Home Assistant did not answer "${type}" within ${this.timeoutMs} ms.`))
      }, this.timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.ws.send(JSON.stringify({ ...payload, id, type }))
    })
  }

  ping(): Promise<unknown> {
    return this.command('ping')
  }

  /** subscribe_events; the returned function unsubscribes. */
  async subscribeEvents(
    eventType: string | undefined,
    listener: (e: HaEvent) => void,
  ): Promise<() => Promise<void>> {
    const id = this.nextId
    this.subscriptions.set(id, listener)
    try {
      await this.command('subscribe_events', eventType ? { event_type: eventType } : {})
    } catch (e) {
      this.subscriptions.delete(id)
      throw e
    }
    return async () => {
      this.subscriptions.delete(id)
      await this.command('unsubscribe_events', { subscription: id })
    }
  }

  async close(): Promise<void> {
    this.fail(new HaError('cancelled', 'The WebSocket connection was closed.'))
    try {
      this.ws.close()
    } catch {
      // already closed
    }
    await this.agent.close().catch(() => undefined)
  }

  private onMessage(raw: string): void {
    let msg: {
      id?: number
      type?: string
      success?: boolean
      result?: unknown
      error?: { code?: string; message?: string }
      event?: HaEvent
    }
    try {
      msg = JSON.parse(raw) as typeof msg
    } catch {
      return
    }
    if (typeof msg.id !== 'number') return
    if (msg.type === 'event' && msg.event) {
      this.subscriptions.get(msg.id)?.(msg.event)
      return
    }
    const p = this.pending.get(msg.id)
    if (!p) return
    this.pending.delete(msg.id)
    clearTimeout(p.timer)
    if (msg.type === 'pong') p.resolve(null)
    else if (msg.success) p.resolve(msg.result)
    else {
      const code = msg.error?.code ?? 'unknown_error'
      const failure = code === 'not_found' ? 'not_found' : 'bad_request'
      p.reject(
        new HaError(failure, `Home Assistant refused the command: ${msg.error?.message ?? code} (${code}).`),
      )
    }
  }

  private fail(err: HaError): void {
    if (this.closedError) return
    this.closedError = err
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer)
      p.reject(err)
      this.pending.delete(id)
    }
  }
}

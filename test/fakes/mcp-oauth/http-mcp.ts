// Streamable HTTP sessions for the remote fakes: one SDK server transport per session, a 404 for a
// session the server ended, DELETE honoured.
import { randomUUID } from 'node:crypto'
import type { Request, Response } from 'express'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js'
import { fakeMcpServer, type CallInfo } from './mcp-tools'

export class SessionHost {
  private sessions = new Map<string, StreamableHTTPServerTransport>()
  /** Every session ever initialized, and every one ended by DELETE. */
  readonly initialized: string[] = []
  readonly deleted: string[] = []
  private current: CallInfo = {}

  constructor(
    private readonly name: string,
    private readonly stateless = false,
  ) {}

  get count(): number {
    return this.sessions.size
  }

  async handle(req: Request, res: Response, info: CallInfo): Promise<void> {
    this.current = info
    if (this.stateless) {
      const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
      const server = fakeMcpServer(this.name, () => this.current)
      await server.connect(t)
      res.on('close', () => void t.close())
      await t.handleRequest(req, res, req.body)
      return
    }
    const id = req.header('mcp-session-id')
    if (id) {
      const t = this.sessions.get(id)
      if (!t) {
        res
          .status(404)
          .json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null })
        return
      }
      if (req.method === 'DELETE') this.deleted.push(id)
      await t.handleRequest(req, res, req.body)
      if (req.method === 'DELETE') this.sessions.delete(id)
      return
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
      res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'No session' }, id: null })
      return
    }
    const t = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => {
        this.sessions.set(sid, t)
        this.initialized.push(sid)
      },
    })
    const server = fakeMcpServer(this.name, () => this.current)
    await server.connect(t)
    await t.handleRequest(req, res, req.body)
  }

  /** The server forgets every session (as after a restart): their next request gets 404. */
  endAll(): void {
    for (const t of this.sessions.values()) void t.close()
    this.sessions.clear()
  }

  closeAll(): void {
    this.endAll()
  }
}

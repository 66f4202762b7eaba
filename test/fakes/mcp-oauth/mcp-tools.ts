// The MCP side of the remote fakes: a few tools that report what reached the server without
// echoing any credential (only a SHA-256 of the Authorization header, and the OAuth grant's number).
import { createHash } from 'node:crypto'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'

export interface CallInfo {
  /** The Authorization header of the HTTP request that carried the call. */
  authorization?: string
  /** Which grant (1, 2, ...) the bearer token belongs to, for the OAuth fake. */
  grant?: number
  scopes?: string[]
}

export function sha256(v: string): string {
  return createHash('sha256').update(v).digest('hex')
}

/** A low-level SDK Server; `info` says what the current request carried. */
export function fakeMcpServer(name: string, info: () => CallInfo): Server {
  const server = new Server({ name, version: '2.5.0' }, { capabilities: { tools: {}, logging: {} } })
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: 'whoami',
        description: 'Which credential reached the server (a hash and a grant number, never the value).',
        inputSchema: { type: 'object', properties: {} },
        annotations: { readOnlyHint: true },
      },
      {
        name: 'echo',
        description: 'Returns the text it was given.',
        inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
        annotations: { readOnlyHint: true },
      },
      {
        name: 'admin_op',
        description: 'Needs the "admin" scope (403 insufficient_scope otherwise).',
        inputSchema: { type: 'object', properties: {} },
        annotations: { readOnlyHint: true },
      },
    ],
  }))
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const args = (req.params.arguments ?? {}) as Record<string, unknown>
    const i = info()
    switch (req.params.name) {
      case 'whoami':
      case 'admin_op': {
        const r = {
          tool: req.params.name,
          authorizationSha256: i.authorization ? sha256(i.authorization) : null,
          grant: i.grant ?? null,
          scopes: i.scopes ?? [],
        }
        return { content: [{ type: 'text', text: JSON.stringify(r) }], structuredContent: r }
      }
      case 'echo':
        return { content: [{ type: 'text', text: String(args['text'] ?? '') }] }
      default:
        return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true }
    }
  })
  return server
}

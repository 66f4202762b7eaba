import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { callTool, visibleTo, type PipelineDeps } from './call-pipeline'
import type { BridgeTool } from './tool-source'
import type { TokenIdentity } from './tokens'

/** The token identity the HTTP layer attached to this request (fresh per request, so revocation bites). */
function identityOf(auth: AuthInfo | undefined): TokenIdentity {
  const id = auth?.extra?.['identity'] as TokenIdentity | undefined
  if (!id) throw new McpError(ErrorCode.InvalidRequest, 'Unauthenticated request.')
  return id
}

function describe(t: BridgeTool): Tool {
  return {
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    description: t.description,
    inputSchema: t.inputSchema as Tool['inputSchema'],
    annotations: t.annotations,
  }
}

/** One low-level MCP Server per session (the SDK's stateful pattern), sharing the bridge's state. */
export function createSessionServer(deps: PipelineDeps, info: { name: string; version: string }): Server {
  const server = new Server(
    { name: info.name, version: info.version, title: 'Keybridge' },
    {
      capabilities: { tools: { listChanged: true } },
      instructions:
        "Keybridge serves tools backed by the user's stored credentials. Secrets are injected by Keybridge and never returned. Some tools need the user's approval.",
    },
  )
  server.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => {
    const identity = identityOf(extra.authInfo)
    const tools: Tool[] = []
    for (const t of (await deps.registry.tools()).values())
      if (visibleTo(deps, identity, t)) tools.push(describe(t))
    return { tools }
  })
  // Not async: the promise of callTool is handed to the SDK as is, without another turn to adopt it.
  server.setRequestHandler(CallToolRequestSchema, (req, extra) =>
    callTool(deps, identityOf(extra.authInfo), req.params.name, req.params.arguments, extra.signal),
  )
  return server
}

import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js'
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  RootsListChangedNotificationSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { callTool, visibleTo, type PipelineDeps } from './call-pipeline'
import type { UpstreamRelay } from './relay'
import { CLIENT_REQUEST_TIMEOUT_MS, type SessionEntry, type SessionHub } from './sessions'
import type { BridgeTool, CallRoute } from './tool-source'
import type { TokenIdentity } from './tokens'
import { PassThrough } from './upstream/connection'

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>

/** The token identity the HTTP layer attached to this request (fresh per request, so revocation bites). */
function identityOf(auth: AuthInfo | undefined): TokenIdentity {
  const id = auth?.extra?.['identity'] as TokenIdentity | undefined
  if (!id) throw new McpError(ErrorCode.InvalidRequest, 'Unauthenticated request.')
  return id
}

/** A tool as clients see it: everything the source said (output schema, icons, _meta, execution) under its exposed name. */
export function describeTool(t: BridgeTool): Tool {
  return {
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    description: t.description,
    inputSchema: t.inputSchema as Tool['inputSchema'],
    ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
    annotations: t.annotations,
    ...(t.icons ? { icons: t.icons } : {}),
    ...(t.execution ? { execution: t.execution } : {}),
    ...(t._meta ? { _meta: t._meta } : {}),
  }
}

/** Where a request's progress goes and who answers what an upstream asks while serving it. */
function routeOf(server: Server, identity: TokenIdentity, extra: Extra): CallRoute {
  return {
    sessionId: extra.sessionId,
    clientName: identity.name,
    tokenId: identity.id,
    scopes: identity.scopes,
    clientCapabilities: server.getClientCapabilities(),
    ...(extra._meta?.progressToken !== undefined ? { progressToken: extra._meta.progressToken } : {}),
    notify: (n) => extra.sendNotification(n as ServerNotification),
    request: (r, signal) =>
      extra.sendRequest(r as ServerRequest, PassThrough as never, {
        signal,
        timeout: CLIENT_REQUEST_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
      }) as Promise<Record<string, unknown>>,
  }
}

export interface SessionDeps {
  pipeline: PipelineDeps
  relay: UpstreamRelay
  hub: SessionHub
  /** A session ended (its per-client upstream processes stop). */
  closed?(sessionId: string | undefined): void
}

/**
 * One low-level MCP Server per session (the SDK's stateful pattern), sharing the bridge's state.
 * Besides tools it declares what the running upstreams offer (resources, prompts, completions,
 * logging) and relays it.
 */
export function createSessionServer(
  d: SessionDeps,
  info: { name: string; version: string },
  identity: TokenIdentity,
): Server {
  const deps = d.pipeline
  const relayed = d.relay.capabilities()
  const server = new Server(
    { name: info.name, version: info.version, title: 'Keybridge' },
    {
      capabilities: { tools: { listChanged: true }, ...relayed },
      instructions:
        "Keybridge serves tools backed by the user's stored credentials. Secrets are injected by Keybridge and never returned. Some tools need the user's approval.",
    },
  )
  const entry = d.hub.add(server, identity)
  // The SDK drops the transport before onclose runs: the id is kept from the session's requests.
  let sessionId: string | undefined
  server.oninitialized = () => {
    sessionId = server.transport?.sessionId
  }
  const session = (extra: Extra): SessionEntry => {
    // The identity of this request: a token narrowed since the session began applies now.
    entry.identity = identityOf(extra.authInfo)
    sessionId ??= extra.sessionId
    return entry
  }
  server.onclose = () => {
    d.hub.remove(server)
    void d.relay.sessionClosed(entry).catch(() => {})
    d.closed?.(sessionId)
  }

  server.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => {
    const identity = session(extra).identity
    const tools: Tool[] = []
    for (const t of (await deps.registry.tools()).values())
      if (visibleTo(deps, identity, t)) tools.push(describeTool(t))
    return { tools }
  })
  // Not async: the promise of callTool is handed to the SDK as is, without another turn to adopt it.
  server.setRequestHandler(CallToolRequestSchema, (req, extra) => {
    const identity = identityOf(extra.authInfo)
    return callTool(
      deps,
      identity,
      req.params.name,
      req.params.arguments,
      extra.signal,
      routeOf(server, identity, extra),
    )
  })

  // The client's roots changed: the upstreams that may ask for them hear of it.
  server.setNotificationHandler(RootsListChangedNotificationSchema, () => d.relay.rootsChanged(entry))

  if (relayed.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, (_r, extra) =>
      d.relay.listResources(session(extra), extra.signal),
    )
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (_r, extra) =>
      d.relay.listTemplates(session(extra), extra.signal),
    )
    server.setRequestHandler(ReadResourceRequestSchema, (r, extra) => {
      const e = session(extra)
      return d.relay.readResource(e, r.params.uri, routeOf(server, e.identity, extra), extra.signal) as never
    })
    if (relayed.resources.subscribe) {
      server.setRequestHandler(SubscribeRequestSchema, (r, extra) =>
        d.relay.subscribe(session(extra), r.params.uri, extra.signal),
      )
      server.setRequestHandler(UnsubscribeRequestSchema, (r, extra) =>
        d.relay.unsubscribe(session(extra), r.params.uri, extra.signal),
      )
    }
  }
  if (relayed.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, (_r, extra) =>
      d.relay.listPrompts(session(extra), extra.signal),
    )
    server.setRequestHandler(GetPromptRequestSchema, (r, extra) => {
      const e = session(extra)
      return d.relay.getPrompt(e, r.params, routeOf(server, e.identity, extra), extra.signal) as never
    })
  }
  if (relayed.completions) {
    server.setRequestHandler(CompleteRequestSchema, (r, extra) => {
      const e = session(extra)
      return d.relay.complete(e, r.params as never, routeOf(server, e.identity, extra), extra.signal) as never
    })
  }
  if (relayed.logging) {
    server.setRequestHandler(SetLevelRequestSchema, (r, extra) =>
      d.relay.setLevel(session(extra), r.params.level, extra.signal),
    )
  }
  return server
}

import type {
  CallToolResult,
  ClientCapabilities,
  ProgressToken,
  ServerNotification,
  Tool,
} from '@modelcontextprotocol/sdk/types.js'

/** MCP tool annotations (hints): readOnlyHint → read, destructiveHint → execute, else write. */
export interface ToolAnnotations {
  title?: string
  readOnlyHint?: boolean
  destructiveHint?: boolean
  idempotentHint?: boolean
  openWorldHint?: boolean
}

/**
 * The client session a request came from, as far as an upstream needs it: where the request's
 * progress goes, and who answers the upstream's sampling / elicitation / roots requests.
 */
export interface CallRoute {
  sessionId: string | undefined
  clientName: string
  /** The client token's id and scopes, for permission checks of the upstream's requests. */
  tokenId: string
  scopes: readonly string[]
  clientCapabilities: ClientCapabilities | undefined
  /** The client's token for progress of this request, when it asked for progress. */
  progressToken?: ProgressToken
  /** A notification to the client, on the stream of this request when there is one. */
  notify(n: ServerNotification): Promise<void>
  /** A request to the client (on the stream of this request: the SDK's related-request routing). */
  request(
    r: { method: string; params?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>
}

export interface ToolCallContext {
  /** The client token's name, for audit and upstream attribution. */
  clientName: string
  signal: AbortSignal
  /** The client session behind the call (absent when a tool is called outside a session, e.g. tests). */
  route?: CallRoute
}

/**
 * One tool the bridge serves, from any source (Home Assistant, api_request, an upstream server).
 *
 * Two names: `id` is the stable identity (source + original name, `homeassistant/home/get_state`,
 * `github/api_read`, `every/get-tiny-image`) that permissions, scopes, approvals and audit rows are
 * keyed by; `name` is what clients see, built by the registry from `nameParts` under the rule in
 * names.ts (`ha_home_get_state`), unique and stable but allowed to change when a collision appears.
 */
export interface BridgeTool {
  id: string
  /** The parts the exposed name is built from (sanitised and joined by the registry). */
  nameParts: readonly string[]
  /** The exposed name: `exposedName(nameParts, id)`, made unique by the registry. */
  name: string
  /** The name the source itself uses (the upstream's own tool name, sent back to it on a call). */
  originalName: string
  title?: string
  description: string
  /** JSON Schema of the arguments (type: object). */
  inputSchema: {
    type: 'object'
    properties?: Record<string, unknown>
    required?: string[]
    [k: string]: unknown
  }
  outputSchema?: Tool['outputSchema']
  icons?: Tool['icons']
  execution?: Tool['execution']
  _meta?: Record<string, unknown>
  annotations: ToolAnnotations
  /** Where it comes from, for the tools matrix: 'homeassistant', 'api', 'upstream:<name>'. */
  source: string
  /** False when its annotations are an untrusted server's claim: then it asks by default. */
  hintsTrusted?: boolean
  call(args: Record<string, unknown>, ctx: ToolCallContext): Promise<CallToolResult>
}

/** A family of tools that can change over time (instances added, upstream servers restarted). */
export interface ToolSource {
  id: string
  listTools(): Promise<BridgeTool[]>
  /** Called when the source's tool list changes, so the bridge can drop its cache. */
  onChange?(listener: () => void): () => void
}

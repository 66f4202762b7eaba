import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

/** MCP tool annotations (hints): readOnlyHint → read, destructiveHint → execute, else write. */
export interface ToolAnnotations {
  title?: string
  readOnlyHint?: boolean
  destructiveHint?: boolean
  idempotentHint?: boolean
  openWorldHint?: boolean
}

export interface ToolCallContext {
  /** The client token's name, for audit and upstream attribution. */
  clientName: string
  signal: AbortSignal
}

/** One tool the bridge serves, from any source (Home Assistant, api_request, an upstream server). */
export interface BridgeTool {
  /** Namespaced, unique: `homeassistant.home.call_service`, `github.api_request`, `<upstream>.<tool>`. */
  name: string
  title?: string
  description: string
  /** JSON Schema of the arguments (type: object). */
  inputSchema: {
    type: 'object'
    properties?: Record<string, unknown>
    required?: string[]
    [k: string]: unknown
  }
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

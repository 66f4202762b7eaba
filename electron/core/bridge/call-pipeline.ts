import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { isAppError } from '../../../shared/errors'
import type { ActivityEntry, RequiredLevel } from '../../../shared/ipc/bridge'
import type { ApprovalQueue } from './approvals'
import type { AuditWriter } from './audit-writer'
import { levelAllows, requiredLevel, type PermissionStore } from './permissions'
import type { Redactor } from './redact'
import type { ToolRegistry } from './registry'
import { scopeAllows } from './scope'
import type { BridgeTool, CallRoute } from './tool-source'
import type { TokenIdentity } from './tokens'

export type ApprovalMode = 'ask' | 'deny' | 'approve_all'

export interface PipelineDeps {
  registry: ToolRegistry
  permissions: PermissionStore
  approvals: ApprovalQueue
  redactor: Redactor
  audit: AuditWriter
  now(): number
  approvalMode(): ApprovalMode
  approvalTimeoutSeconds(): number
  activity(e: ActivityEntry): void
  /** Told about approval requests (desktop notification). */
  notifyApproval?(client: string, tool: string): void
}

/** What a client may see in tools/list: the tool is on, its level is allowed and the token's scope covers it. */
export function visibleTo(deps: PipelineDeps, identity: TokenIdentity, tool: BridgeTool): boolean {
  return allowedWithoutAsking(deps, identity.scopes, tool.id, requiredLevel(tool.annotations)) !== 'denied'
}

/** Scope and permission of an identity, before any approval: 'denied', 'ask' or 'ok'. */
export function allowedWithoutAsking(
  deps: PipelineDeps,
  scopes: readonly string[],
  id: string,
  required: RequiredLevel,
): 'denied' | 'ask' | 'ok' {
  if (!scopeAllows(scopes, id)) return 'denied'
  const perm = deps.permissions.get(id, required)
  if (!levelAllows(perm.level, required)) return 'denied'
  return perm.ask ? 'ask' : 'ok'
}

/**
 * Scope → permission → approval for one identity (a tool, or an upstream's resources, prompts or
 * sampling). Returns null when allowed, else the reason it was denied. `what` names it for messages.
 */
export async function authorize(
  deps: PipelineDeps,
  who: { name: string; scopes: readonly string[] },
  id: string,
  what: string,
  required: RequiredLevel,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<string | null> {
  if (!scopeAllows(who.scopes, id))
    return `the client token "${who.name}" is limited to ${who.scopes.join(', ')} and does not cover ${id}.`
  const perm = deps.permissions.get(id, required)
  if (perm.level === 'off') return `${what} is turned off in Keybridge.`
  if (!levelAllows(perm.level, required))
    return `${what} needs ${required} permission and Keybridge allows it only ${perm.level}.`
  if (!perm.ask) return null
  const mode = deps.approvalMode()
  if (mode === 'deny')
    return `${what} needs the user's approval, and this bridge runs headless without --approve-all.`
  if (mode === 'approve_all') return null
  deps.notifyApproval?.(who.name, id)
  const outcome = await deps.approvals.request(
    { client: who.name, tool: id, requiredLevel: required, arguments: deps.redactor.args(args) },
    signal,
  )
  if (outcome === 'always_allow') deps.permissions.set(id, perm.level, false)
  if (outcome === 'deny') return 'the user denied it.'
  if (outcome === 'timeout') return `nobody approved it within ${deps.approvalTimeoutSeconds()} seconds.`
  return null
}

function denied(reason: string): CallToolResult {
  return { content: [{ type: 'text', text: `Keybridge denied this call: ${reason}` }], isError: true }
}

/**
 * One tools/call, in order: tool exists → token scope → tool enabled and level allowed → approval
 * when "ask" is set → the call → secret values redacted from the result → audit + live activity.
 *
 * A denied call is answered as a tool result with isError (not a JSON-RPC error): the spec reserves
 * protocol errors for malformed requests and unknown tools, and a result lets the model tell its user
 * why and what to change. An unknown tool is a JSON-RPC InvalidParams error, as the spec says.
 */
export async function callTool(
  deps: PipelineDeps,
  identity: TokenIdentity,
  name: string,
  rawArgs: Record<string, unknown> | undefined,
  signal: AbortSignal,
  route?: CallRoute,
): Promise<CallToolResult> {
  const started = performance.now()
  const args = rawArgs ?? {}
  let target = name
  const finish = (outcome: 'ok' | 'denied' | 'error', reason: string | null, required?: RequiredLevel) => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100
    deps.audit.push({
      actor: 'bridge',
      actorName: identity.name,
      action: 'tool_call',
      // The identity, not the exposed name: the row still says which tool it was after a rename.
      target,
      outcome,
      durationMs,
      detail: {
        ...(target !== name ? { name } : {}),
        arguments: deps.redactor.args(args),
        ...(reason ? { reason } : {}),
        ...(required ? { required } : {}),
      },
    })
    deps.activity({ at: deps.now(), client: identity.name, tool: name, outcome, durationMs, reason })
  }

  // No await when the tool list is built: fewer turns before the answer is ready, which lets the SDK's
  // transport send it in one piece.
  const found = deps.registry.get(name)
  const tool = found instanceof Promise ? await found : found
  if (!tool) {
    finish('denied', 'unknown tool')
    throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name.slice(0, 128)}`)
  }
  target = tool.id
  const required = requiredLevel(tool.annotations)
  // The common case (allowed, no approval) stays synchronous.
  const quick = allowedWithoutAsking(deps, identity.scopes, tool.id, required)
  if (quick !== 'ok') {
    const reason = await authorize(deps, identity, tool.id, name, required, args, signal)
    if (reason) {
      finish('denied', reason, required)
      return denied(reason)
    }
  }

  try {
    const result = await tool.call(args, { clientName: identity.name, signal, route })
    const clean = deps.redactor.value(result) as CallToolResult
    finish(clean.isError ? 'error' : 'ok', clean.isError ? 'the tool reported an error' : null, required)
    return clean
  } catch (e) {
    const message =
      isAppError(e) || e instanceof McpError
        ? deps.redactor.text(e.message)
        : 'The tool failed inside Keybridge.'
    finish('error', message, required)
    return { content: [{ type: 'text', text: message }], isError: true }
  }
}

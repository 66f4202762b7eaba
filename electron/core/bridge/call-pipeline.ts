import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { isAppError } from '../../../shared/errors'
import type { ActivityEntry, RequiredLevel } from '../../../shared/ipc/bridge'
import type { AuditActor } from '../../../shared/models/audit'
import type { ApprovalQueue } from './approvals'
import type { AuditWriter } from './audit-writer'
import { levelAllows, requiredLevel, type PermissionStore } from './permissions'
import type { Redactor } from './redact'
import type { ToolRegistry } from './registry'
import { scopeAllows } from './scope'
import type { BridgeTool } from './tool-source'
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
  if (!scopeAllows(identity.scopes, tool.name)) return false
  const required = requiredLevel(tool.annotations)
  return levelAllows(deps.permissions.get(tool.name, required).level, required)
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
  /** Who the audit row names: a client over HTTP by default; the desktop's playground runs as a token. */
  via: { actor: AuditActor; action: string } = { actor: 'bridge', action: 'tool_call' },
): Promise<CallToolResult> {
  const started = performance.now()
  const args = rawArgs ?? {}
  const finish = (outcome: 'ok' | 'denied' | 'error', reason: string | null, required?: RequiredLevel) => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100
    deps.audit.push({
      actor: via.actor,
      actorName: identity.name,
      action: via.action,
      target: name,
      outcome,
      durationMs,
      detail: {
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
  const required = requiredLevel(tool.annotations)
  if (!scopeAllows(identity.scopes, name)) {
    const reason = `the client token "${identity.name}" is limited to ${identity.scopes.join(', ')} and does not cover ${name}.`
    finish('denied', reason, required)
    return denied(reason)
  }
  const perm = deps.permissions.get(name, required)
  if (perm.level === 'off') {
    const reason = `${name} is turned off in Keybridge.`
    finish('denied', reason, required)
    return denied(reason)
  }
  if (!levelAllows(perm.level, required)) {
    const reason = `${name} needs ${required} permission and Keybridge allows it only ${perm.level}.`
    finish('denied', reason, required)
    return denied(reason)
  }
  if (perm.ask) {
    const mode = deps.approvalMode()
    if (mode === 'deny') {
      const reason = `${name} needs the user's approval, and this bridge runs headless without --approve-all.`
      finish('denied', reason, required)
      return denied(reason)
    }
    if (mode === 'ask') {
      deps.notifyApproval?.(identity.name, name)
      const outcome = await deps.approvals.request(
        { client: identity.name, tool: name, requiredLevel: required, arguments: deps.redactor.args(args) },
        signal,
      )
      if (outcome === 'always_allow') deps.permissions.set(name, perm.level, false)
      if (outcome === 'deny' || outcome === 'timeout') {
        const reason =
          outcome === 'deny'
            ? 'the user denied it.'
            : `nobody approved it within ${deps.approvalTimeoutSeconds()} seconds.`
        finish('denied', reason, required)
        return denied(reason)
      }
    }
  }

  try {
    const result = await tool.call(args, { clientName: identity.name, signal })
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

import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { isAppError } from '../../../shared/errors'
import type { ActivityEntry, RequiredLevel } from '../../../shared/ipc/bridge'
import {
  MAX_PENDING_PER_CLIENT,
  type ApprovalGrants,
  type ApprovalOutcome,
  type ApprovalQueue,
} from './approvals'
import type { AuditWriter } from './audit-writer'
import { hintsTrusted, levelAllows, requiredLevel, type PermissionStore } from './permissions'
import { REDACTED_META, type Redactor } from './redact'
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
  /** "Always allow" answers, per client token and tool. */
  grants: Pick<ApprovalGrants, 'allows' | 'grant'>
}

/** What a client may see in tools/list: the tool is on, its level is allowed and the token's scope covers it. */
export function visibleTo(deps: PipelineDeps, identity: TokenIdentity, tool: BridgeTool): boolean {
  if (!scopeAllows(identity.scopes, tool.name)) return false
  const required = requiredLevel(tool.annotations)
  return levelAllows(deps.permissions.get(tool.name, required, hintsTrusted(tool)).level, required)
}

const APPROVAL_REFUSALS: Record<
  Exclude<ApprovalOutcome, 'allow_once' | 'always_allow'>,
  (tool: string, timeoutSeconds: number) => string
> = {
  deny: () => 'the user denied it.',
  timeout: (_tool, s) => `nobody approved it within ${s} seconds.`,
  duplicate: (tool) =>
    `an approval prompt for ${tool} from this client is already waiting; wait for the user's answer before calling it again.`,
  queue_full: () =>
    `this client already has ${MAX_PENDING_PER_CLIENT} calls waiting for the user's approval; wait for those answers first.`,
}

/** Why an upstream tool asks although it claims to be read-only, and how the user can change that. */
function untrustedHint(tool: BridgeTool, perm: { isDefault: boolean }): string {
  if (hintsTrusted(tool) || !perm.isDefault || !tool.source.startsWith('upstream:')) return ''
  const server = tool.source.slice('upstream:'.length)
  return ` Tools of upstream servers ask until you trust the server's annotations ("keybridge upstream trust ${server}") or set the tool ("keybridge tool set").`
}

function denied(reason: string): CallToolResult {
  return { content: [{ type: 'text', text: `Keybridge denied this call: ${reason}` }], isError: true }
}

/**
 * A result with every stored secret form replaced; when any was (here or by the tool itself, as the API
 * tools do before they cut a long body), `_meta["keybridge/redacted"]` says how many, and the audit row too.
 */
function markRedacted(
  deps: PipelineDeps,
  tool: BridgeTool,
  result: CallToolResult,
  done: (clean: CallToolResult, redacted: number) => void,
): CallToolResult {
  const count = { n: 0 }
  const clean = deps.redactor.value(result, { count }) as CallToolResult
  // Only Keybridge's own tools report a count; an upstream's claim is replaced, not added.
  const before = OWN_SOURCES.has(tool.source) ? result._meta?.[REDACTED_META] : undefined
  const n = count.n + (typeof before === 'number' ? before : 0)
  if (clean._meta && REDACTED_META in clean._meta) delete clean._meta[REDACTED_META]
  if (n > 0) clean._meta = { ...clean._meta, [REDACTED_META]: n }
  done(clean, n)
  return clean
}

/** Tool sources that are Keybridge's own code (their result metadata is trusted). */
const OWN_SOURCES = new Set(['api', 'homeassistant'])

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
): Promise<CallToolResult> {
  const started = performance.now()
  const args = rawArgs ?? {}
  // An unknown name is the client's text: kept short in audit rows and events.
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name
  const finish = (
    outcome: 'ok' | 'denied' | 'error',
    reason: string | null,
    required?: RequiredLevel,
    redacted = 0,
  ) => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100
    deps.audit.push({
      actor: 'bridge',
      actorName: identity.name,
      action: 'tool_call',
      target: shown,
      outcome,
      durationMs,
      detail: {
        arguments: deps.redactor.summary(args),
        ...(reason
          ? { reason: reason.length > 1024 ? `${reason.slice(0, 1024)}… (truncated)` : reason }
          : {}),
        ...(required ? { required } : {}),
        ...(redacted > 0 ? { redacted } : {}),
      },
    })
    deps.activity({ at: deps.now(), client: identity.name, tool: shown, outcome, durationMs, reason })
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
  const perm = deps.permissions.get(name, required, hintsTrusted(tool))
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
  if (perm.ask && !deps.grants.allows(identity.id, name)) {
    const mode = deps.approvalMode()
    if (mode === 'deny') {
      const reason = `${name} needs the user's approval, and this bridge runs headless without --approve-all.${untrustedHint(tool, perm)}`
      finish('denied', reason, required)
      return denied(reason)
    }
    if (mode === 'ask') {
      const outcome = await deps.approvals.request(
        { client: identity.name, tool: name, requiredLevel: required, arguments: deps.redactor.args(args) },
        signal,
        identity.id,
      )
      // "Always allow" is this client token's, for this tool: other clients are still asked.
      if (outcome === 'always_allow') deps.grants.grant(identity.id, name, deps.now())
      if (outcome !== 'allow_once' && outcome !== 'always_allow') {
        const reason = APPROVAL_REFUSALS[outcome](name, deps.approvalTimeoutSeconds())
        finish('denied', reason, required)
        return denied(reason)
      }
    }
  }

  try {
    const result = await tool.call(args, { clientName: identity.name, signal })
    return markRedacted(deps, tool, result, (clean, n) =>
      finish(
        clean.isError ? 'error' : 'ok',
        clean.isError ? 'the tool reported an error' : null,
        required,
        n,
      ),
    )
  } catch (e) {
    const message =
      isAppError(e) || e instanceof McpError
        ? deps.redactor.text(e.message)
        : 'The tool failed inside Keybridge.'
    finish('error', message, required)
    return { content: [{ type: 'text', text: message }], isError: true }
  }
}

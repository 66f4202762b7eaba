import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Logger } from 'pino'
import { isAppError, type ErrorShape } from '../../../shared/errors'
import type { ActivityEntry, CallReasonInfo, ReasonParams, RequiredLevel } from '../../../shared/ipc/bridge'
import type { AuditActor } from '../../../shared/models/audit'
import {
  MAX_PENDING_PER_CLIENT,
  type ApprovalGrants,
  type ApprovalOutcome,
  type ApprovalQueue,
} from './approvals'
import type { AuditWriter } from './audit-writer'
import type { BridgeMetrics, DenyReason } from './metrics'
import { hintsTrusted, levelAllows, requiredLevel, type PermissionStore } from './permissions'
import { REDACTED_META, type Redactor } from './redact'
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
  metrics?: Pick<BridgeMetrics, 'call' | 'deny'>
  log?: Logger
  /** "Always allow" answers, per client token and tool. */
  grants: Pick<ApprovalGrants, 'allows' | 'grant'>
  /** Counts a client's tool call on its token (not the playground's, which runs as one). */
  countCall?(tokenId: string): void
}

/** Who asks: a client token (its id keys "always allow"), or a route that only knows name and scopes. */
export interface Asker {
  id?: string
  name: string
  scopes: readonly string[]
}

/** What a client may see in tools/list: the tool is on, its level is allowed and the token's scope covers it. */
export function visibleTo(deps: PipelineDeps, identity: TokenIdentity, tool: BridgeTool): boolean {
  return (
    allowedWithoutAsking(deps, identity, tool.id, requiredLevel(tool.annotations), hintsTrusted(tool)) !==
    'denied'
  )
}

/** Scope and permission of an identity, before any approval: 'denied', 'ask' or 'ok'. */
export function allowedWithoutAsking(
  deps: PipelineDeps,
  who: Asker,
  id: string,
  required: RequiredLevel,
  trusted = true,
): 'denied' | 'ask' | 'ok' {
  if (!scopeAllows(who.scopes, id)) return 'denied'
  const perm = deps.permissions.get(id, required, trusted)
  if (!levelAllows(perm.level, required)) return 'denied'
  return perm.ask && !(who.id && deps.grants.allows(who.id, id)) ? 'ask' : 'ok'
}

type Refusal = Exclude<ApprovalOutcome, 'allow_once' | 'always_allow'>

const APPROVAL_REFUSALS: Record<Refusal, (what: string, timeoutSeconds: number) => string> = {
  deny: () => 'the user denied it.',
  timeout: (_what, s) => `nobody approved it within ${s} seconds.`,
  duplicate: (what) =>
    `an approval prompt for ${what} from this client is already waiting; wait for the user's answer before calling it again.`,
  queue_full: () =>
    `this client already has ${MAX_PENDING_PER_CLIENT} calls waiting for the user's approval; wait for those answers first.`,
}

/** The parameters of each refusal's sentence, besides the tool. */
const APPROVAL_PARAMS: Record<Refusal, (timeoutSeconds: number) => ReasonParams> = {
  deny: () => ({}),
  timeout: (s) => ({ seconds: s }),
  duplicate: () => ({ queue: 'duplicate' }),
  queue_full: () => ({ queue: 'full', max: MAX_PENDING_PER_CLIENT }),
}

/** Why an upstream tool asks although it claims to be read-only, and how the user can change that. */
function untrustedHint(tool: BridgeTool | undefined, isDefault: boolean): string {
  if (!tool || hintsTrusted(tool) || !isDefault || !tool.source.startsWith('upstream:')) return ''
  const server = tool.source.slice('upstream:'.length)
  return ` Tools of upstream servers ask until you trust the server's annotations ("keybridge upstream trust ${server}") or set the tool ("keybridge tool set").`
}

/**
 * Why a call was refused: the English sentence for the client and the CLI, the reason label for
 * metrics, and the parameters the UI fills its own sentence for that label with.
 */
export interface Denial {
  text: string
  why: DenyReason
  params: ReasonParams
}

/**
 * Scope → permission → approval for one identity (a tool, or an upstream's resources, prompts or
 * sampling). Returns null when allowed, else why it was denied (with the reason label metrics count
 * it under). `what` names it for messages.
 */
export async function authorize(
  deps: PipelineDeps,
  who: Asker,
  id: string,
  what: string,
  required: RequiredLevel,
  args: Record<string, unknown>,
  signal: AbortSignal,
  tool?: BridgeTool,
): Promise<Denial | null> {
  // `tool` in the parameters is what the client called it (the identity for resources, prompts, sampling).
  const named = tool ? what : id
  if (!scopeAllows(who.scopes, id))
    return {
      text: `the client token "${who.name}" is limited to ${who.scopes.join(', ')} and does not cover ${id}.`,
      why: 'scope',
      params: { client: who.name, scopes: who.scopes.join(', '), tool: id },
    }
  const perm = deps.permissions.get(id, required, tool ? hintsTrusted(tool) : true)
  if (perm.level === 'off')
    return { text: `${what} is turned off in Keybridge.`, why: 'off', params: { tool: named } }
  if (!levelAllows(perm.level, required))
    return {
      text: `${what} needs ${required} permission and Keybridge allows it only ${perm.level}.`,
      why: 'level',
      params: { tool: named, required, granted: perm.level },
    }
  if (!perm.ask || (who.id && deps.grants.allows(who.id, id))) return null
  const mode = deps.approvalMode()
  if (mode === 'deny') {
    const hint = untrustedHint(tool, perm.isDefault)
    return {
      text: `${what} needs the user's approval, and this bridge runs headless without --approve-all.${hint}`,
      why: 'headless',
      params: { tool: named, ...(hint && tool ? { server: tool.source.slice('upstream:'.length) } : {}) },
    }
  }
  if (mode === 'approve_all') return null
  const outcome = await deps.approvals.request(
    { client: who.name, tool: id, requiredLevel: required, arguments: deps.redactor.args(args) },
    signal,
    who.id ?? who.name,
  )
  // "Always allow" is this client token's, for this tool: other clients are still asked.
  if (outcome === 'always_allow' && who.id) deps.grants.grant(who.id, id, deps.now())
  if (outcome === 'allow_once' || outcome === 'always_allow') return null
  const seconds = deps.approvalTimeoutSeconds()
  return {
    text: APPROVAL_REFUSALS[outcome](what, seconds),
    why: APPROVAL_WHY[outcome],
    params: { tool: named, ...APPROVAL_PARAMS[outcome](seconds) },
  }
}

/** The audit detail fields of a reason code (`why`, `whyParams`), for the UI's language. */
export function reasonDetail(r: Pick<CallReasonInfo, 'why' | 'params'> | null | undefined) {
  return r ? { why: r.why, ...(Object.keys(r.params).length ? { whyParams: r.params } : {}) } : {}
}

const APPROVAL_WHY: Record<Exclude<ApprovalOutcome, 'allow_once' | 'always_allow'>, DenyReason> = {
  deny: 'user_denied',
  timeout: 'approval_timeout',
  duplicate: 'approval_queue',
  queue_full: 'approval_queue',
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
  route?: CallRoute,
  /**
   * Who the audit row names: a client over HTTP by default; the desktop's playground runs as a token
   * and learns the reason of a denial or failure as a code (`onReason`).
   */
  via: { actor: AuditActor; action: string; onReason?(r: CallReasonInfo): void } = {
    actor: 'bridge',
    action: 'tool_call',
  },
): Promise<CallToolResult> {
  const started = performance.now()
  const args = rawArgs ?? {}
  // An unknown name is the client's text: kept short in audit rows and events.
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name
  let target = shown
  let source = 'unknown'
  // Metrics and log fields name only tools that exist: an unknown name is the client's free text.
  let label = '(unknown)'
  const finish = (
    outcome: 'ok' | 'denied' | 'error',
    reason: string | null,
    required?: RequiredLevel,
    redacted = 0,
    code?: CallReasonInfo,
  ) => {
    const denial = code && outcome === 'denied' ? (code.why as DenyReason) : undefined
    const durationMs = Math.round((performance.now() - started) * 100) / 100
    if (via.actor === 'bridge') deps.countCall?.(identity.id)
    deps.metrics?.call(label, source, identity.name, outcome, durationMs)
    if (denial) deps.metrics?.deny(label, identity.name, denial)
    deps.log?.debug({ tool: label, source, client: identity.name, outcome, durationMs, denial }, 'tool call')
    deps.audit.push({
      actor: via.actor,
      actorName: identity.name,
      action: via.action,
      // The identity, not the exposed name: the row still says which tool it was after a rename.
      target,
      outcome,
      durationMs,
      detail: {
        ...(target !== shown ? { name: shown } : {}),
        arguments: deps.redactor.summary(args),
        ...(reason
          ? { reason: reason.length > 1024 ? `${reason.slice(0, 1024)}… (truncated)` : reason }
          : {}),
        ...reasonDetail(code),
        ...(code?.error ? { code: code.error.code } : {}),
        ...(required ? { required } : {}),
        ...(redacted > 0 ? { redacted } : {}),
      },
    })
    deps.activity({
      at: deps.now(),
      client: identity.name,
      tool: shown,
      outcome,
      durationMs,
      reason,
      ...(code ? { why: code.why, whyParams: code.params } : {}),
    })
    if (code) via.onReason?.(code)
  }

  // No await when the tool list is built: fewer turns before the answer is ready, which lets the SDK's
  // transport send it in one piece.
  const found = deps.registry.get(name)
  const tool = found instanceof Promise ? await found : found
  if (!tool) {
    finish('denied', 'unknown tool', undefined, 0, { why: 'unknown_tool', params: { tool: shown } })
    throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name.slice(0, 128)}`)
  }
  target = tool.id
  source = tool.source
  label = name
  const required = requiredLevel(tool.annotations)
  // The common case (allowed, no approval) stays synchronous.
  const quick = allowedWithoutAsking(deps, identity, tool.id, required, hintsTrusted(tool))
  if (quick !== 'ok') {
    const refusal = await authorize(deps, identity, tool.id, name, required, args, signal, tool)
    if (refusal) {
      finish('denied', refusal.text, required, 0, refusal)
      return denied(refusal.text)
    }
  }

  try {
    const result = await tool.call(args, { clientName: identity.name, signal, route })
    return markRedacted(deps, tool, result, (clean, n) => {
      if (clean.isError)
        deps.log?.info({ tool: name, source, client: identity.name }, 'the tool reported an error')
      if (!clean.isError) return finish('ok', null, required, n)
      finish('error', 'the tool reported an error', required, n, {
        why: 'tool_error',
        params: { tool: name },
      })
    })
  } catch (e) {
    const known = isAppError(e) || e instanceof McpError
    const message = known ? deps.redactor.text(e.message) : 'The tool failed inside Keybridge.'
    // The log gets the stack and code (scrubbed of stored secrets when written); the client only the message.
    const code = isAppError(e) ? e.code : e instanceof McpError ? `MCP_${e.code}` : 'INTERNAL'
    deps.log?.[known ? 'warn' : 'error'](
      { err: e, code, tool: name, source, client: identity.name },
      'tool call failed',
    )
    // An MCP error's text is the upstream's (or the SDK's) own: it keeps its words, without a code.
    finish(
      'error',
      message,
      required,
      0,
      e instanceof McpError
        ? undefined
        : {
            why: 'tool_failed',
            params: { tool: name },
            ...(isAppError(e)
              ? { error: deps.redactor.value({ ...e.toJSON(), message }) as ErrorShape }
              : {}),
          },
    )
    return { content: [{ type: 'text', text: message }], isError: true }
  }
}

import type { CallReasonInfo } from '../../../shared/ipc/bridge'
import type { PlaygroundResult, PlaygroundTool } from '../../../shared/ipc/playground'
import type { AuditActor } from '../../../shared/models/audit'
import { callTool, visibleTo } from './call-pipeline'
import { requiredLevel } from './permissions'
import type { BridgeService } from './service'

const CALL_TIMEOUT_MS = 130_000

/** The tools list a client with this token would get, plus the tools it would not see (marked). */
export async function playgroundTools(bridge: BridgeService, tokenName: string): Promise<PlaygroundTool[]> {
  const identity = bridge.tokens.identityOf(tokenName)
  const tools = [...(await bridge.registry.tools()).values()]
  return tools
    .map((t) => ({
      name: t.name,
      title: t.title ?? (typeof t.annotations.title === 'string' ? t.annotations.title : null),
      description: t.description,
      source: t.source,
      inputSchema: t.inputSchema,
      requiredLevel: requiredLevel(t.annotations),
      visible: visibleTo(bridge.deps, identity, t),
    }))
    .sort((a, b) => Number(b.visible) - Number(a.visible) || a.name.localeCompare(b.name))
}

/**
 * One call through the bridge's own pipeline, as the token: scope, permission, approval, redaction
 * all apply, so the result is what the app would see. Audited as `playground_call` by the caller.
 */
export async function playgroundCall(
  bridge: BridgeService,
  actor: AuditActor,
  input: { tokenName: string; tool: string; arguments: Record<string, unknown> },
): Promise<PlaygroundResult> {
  const identity = bridge.tokens.identityOf(input.tokenName)
  let reason: CallReasonInfo | null = null
  const r = await callTool(
    bridge.deps,
    identity,
    input.tool,
    input.arguments,
    AbortSignal.timeout(CALL_TIMEOUT_MS),
    undefined,
    {
      actor,
      action: 'playground_call',
      onReason: (x) => (reason = x),
    },
  )
  return {
    content: (r.content ?? []) as Record<string, unknown>[],
    isError: r.isError === true,
    structuredContent: (r.structuredContent as Record<string, unknown> | undefined) ?? null,
    reason,
  }
}

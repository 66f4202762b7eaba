import { z } from 'zod'
import { channel, type ChannelDef } from './define'
import { CallReasonInfo, RequiredLevel, TokenName } from './bridge'

/** A tool as the playground offers it: its schema for the form, and whether the chosen token may call it. */
export const PlaygroundTool = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string(),
  /** `api`, `homeassistant:<instance>` (Keybridge's own tools, their texts translated) or `upstream:<name>`. */
  source: z.string().default('upstream'),
  /** JSON Schema of the arguments (type: object), as the bridge serves it in tools/list. */
  inputSchema: z.record(z.string(), z.unknown()),
  requiredLevel: RequiredLevel,
  /** False when the token's scope or the tool's permission keeps it out of this client's tools/list. */
  visible: z.boolean(),
})
export type PlaygroundTool = z.infer<typeof PlaygroundTool>

/** A tools/call result exactly as the app would receive it (every stored secret redacted). */
export const PlaygroundResult = z.object({
  content: z.array(z.record(z.string(), z.unknown())),
  isError: z.boolean(),
  structuredContent: z.record(z.string(), z.unknown()).nullable(),
  /** Why it was denied or failed, as a code the UI translates (the content keeps the app's English text). */
  reason: CallReasonInfo.nullable(),
})
export type PlaygroundResult = z.infer<typeof PlaygroundResult>

export const playgroundChannels = {
  /** Every tool, marked with whether this client token sees it. */
  'bridge.playground.tools': channel(z.object({ tokenName: TokenName }), z.array(PlaygroundTool)),
  /**
   * Runs one tool call as the client token would: its scopes, the tool's permission and "ask me"
   * approvals apply. Audited as a playground call by the desktop user, on behalf of that token.
   */
  'bridge.playground.call': channel(
    z.object({
      tokenName: TokenName,
      tool: z.string().min(1).max(200),
      arguments: z.record(z.string(), z.unknown()).default({}),
    }),
    PlaygroundResult,
  ),
} satisfies Record<string, ChannelDef>

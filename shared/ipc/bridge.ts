import { z } from 'zod'
import { ErrorShape } from '../errors'
import { channel, NoInput, Ok, type ChannelDef } from './define'

/** off < read < write < execute: a tool may be called when its level is at least what it requires. */
export const PermissionLevel = z.enum(['off', 'read', 'write', 'execute'])
export type PermissionLevel = z.infer<typeof PermissionLevel>
export const RequiredLevel = z.enum(['read', 'write', 'execute'])
export type RequiredLevel = z.infer<typeof RequiredLevel>

/** The parameters of a reason's sentence: tool, client, levels, scopes; never arguments or secrets. */
export const ReasonParams = z.record(z.string(), z.union([z.string(), z.number()]))
export type ReasonParams = z.infer<typeof ReasonParams>

export const ClientKind = z.enum(['lmstudio', 'cursor', 'claude', 'vscode'])
export type ClientKind = z.infer<typeof ClientKind>

export const ApprovalDecision = z.enum(['allow_once', 'always_allow', 'deny'])
export type ApprovalDecision = z.infer<typeof ApprovalDecision>

/** A tool pattern: `*` matches any run of characters (dots included), `?` one character. */
export const ToolPattern = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9_.*?/:-]+$/,
    'Use tool identities with * or ? wildcards, e.g. homeassistant/* or github/api_read',
  )

export const TokenName = z
  .string()
  .trim()
  .min(1, 'Give the client a name.')
  .max(64, 'Keep the name under 64 characters.')
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'Use letters, digits, spaces, dots, dashes or underscores.')

export const BridgeConfig = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(0).max(65535),
  /** Requests per minute per client token. */
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000),
  /** How long a tool call waits for an approval before it is denied. */
  approvalTimeoutSeconds: z.number().int().min(1).max(3600),
  /** Desktop: start the bridge with the app. */
  enabled: z.boolean(),
})
export type BridgeConfig = z.infer<typeof BridgeConfig>

export const BridgeStatus = z.object({
  running: z.boolean(),
  url: z.string().nullable(),
  host: z.string(),
  port: z.number().int(),
  startedAt: z.number().nullable(),
  sessions: z.number().int(),
  tools: z.number().int(),
  pendingApprovals: z.number().int(),
  approvalMode: z.enum(['ask', 'deny', 'approve_all']),
  /** The address the socket is really bound to (`0.0.0.0:3003`: every interface); null when stopped. */
  address: z.string().nullable(),
  /** Reachable from other machines (bound to something other than loopback). */
  exposed: z.boolean(),
  /** The Host names requests may use, listed explicitly. */
  allowedHosts: z.array(z.string()),
  /** A saved non-loopback address not used until the user confirms it (the bridge stays on loopback). */
  exposureHeldBack: z.string().nullable(),
})
export type BridgeStatus = z.infer<typeof BridgeStatus>

/** Tool counts past which an app warns or refuses (largest last), see docs/BRIDGE.md. */
export const TOOL_BUDGETS = [
  { app: 'VS Code', limit: 128 },
  { app: 'Cursor', limit: 40 },
] as const

/** The warnings for a token that exposes `count` tools. */
export function toolBudgetWarnings(count: number): string[] {
  return TOOL_BUDGETS.filter((b) => count > b.limit).map(
    (b) =>
      `${count} tools is more than ${b.app} handles (${b.limit}); narrow the token with --scope patterns.`,
  )
}

export const TokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** `kb_AbCd…wxyz`: enough to recognise it, never enough to use it. */
  display: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  useCount: z.number().int(),
  status: z.enum(['active', 'expired', 'revoked']),
  /** How many tools this token sees in tools/list right now (null when not computed). */
  toolCount: z.number().int().nullable().optional(),
  /** Tool calls allowed per local day / calendar month; null for no quota. */
  dailyQuota: z.number().int().nullable(),
  monthlyQuota: z.number().int().nullable(),
})
export type TokenSummary = z.infer<typeof TokenSummary>

/** Returned once, at creation: the only time the token value leaves Keybridge. */
export const CreatedToken = z.object({ token: z.string(), summary: TokenSummary })
export type CreatedToken = z.infer<typeof CreatedToken>

export const ToolInfo = z.object({
  /** The stable identity permissions and scopes are keyed by: `homeassistant/home/get_state`, `every/echo`. */
  id: z.string(),
  /** The name clients see (`ha_home_get_state`): letters, digits and single underscores, ≤ 48. */
  name: z.string(),
  /** A tool, or an upstream's resources, prompts or sampling (permissioned like a tool). */
  kind: z.enum(['tool', 'resources', 'prompts', 'sampling']),
  /** Why the name differs from the plain one (a collision, resolved with a suffix), else null. */
  note: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string(),
  source: z.string(),
  requiredLevel: RequiredLevel,
  level: PermissionLevel,
  ask: z.boolean(),
  /** True while no explicit choice was stored (defaults follow the tool's annotations). */
  isDefault: z.boolean(),
  /** False for a known tool whose source is not running right now (e.g. a stopped upstream). */
  available: z.boolean(),
})
export type ToolInfo = z.infer<typeof ToolInfo>

export const EnvEntry = z.object({
  key: z.string(),
  /** `reference` values show the `{{credential:...}}` text; `literal` values are never shown. */
  kind: z.enum(['reference', 'literal']),
  reference: z.string().nullable(),
})

export const UpstreamState = z.enum(['stopped', 'starting', 'running', 'backoff', 'broken', 'needs_sign_in'])

// --- remote upstreams (#18): what a list shows of a server reached by URL (never a secret) ---
export const RemoteTransport = z.enum(['streamable-http', 'sse'])
export const RemoteUpstreamInfo = z.object({
  url: z.string(),
  transport: RemoteTransport,
  /** Header names with their `{{credential:...}}` reference, or `literal` (value never shown). */
  headers: z.array(
    z.object({ key: z.string(), kind: z.enum(['reference', 'literal']), reference: z.string().nullable() }),
  ),
  /** none: the server never asked for OAuth; signed_in: a grant is stored; needs_sign_in: run login. */
  auth: z.enum(['none', 'signed_in', 'needs_sign_in']),
  /** When the stored access token expires (it refreshes by itself when a refresh token exists). */
  grantExpiresAt: z.number().nullable(),
  scope: z.string().nullable(),
  /** A plain-http host the user allowed on purpose (LAN), shown as such. */
  lanAllowed: z.boolean(),
})
export type RemoteUpstreamInfo = z.infer<typeof RemoteUpstreamInfo>
// --- end remote upstreams ---
/** Why an upstream is not running: a code the UI translates, with its parameters (no secrets). */
export const UpstreamErrorCode = z.enum([
  /** A credential reference of its environment could not be resolved (`env`, `errorCode`). */
  'env_unresolved',
  /** The command could not be started (`command`, `errno`). */
  'spawn_failed',
  /** Its transport could not be opened (a remote's headers, a tampered row: `errorCode`). */
  'transport_failed',
  'exited',
  /** It started but did not answer initialize in time (`seconds`). */
  'timeout',
  'start_failed',
  /** A remote server wants the user's sign-in (`server`; `stepUp` 1 when it asks for more scope). */
  'needs_sign_in',
  'session_gone',
  'stream_ended',
  /** `cause`: the network error code (ECONNREFUSED …), when known. */
  'unreachable',
  'http_status',
  'not_mcp',
  /** A typed Keybridge error (`errorCode`, `errorKey`, and that error's parameters). */
  'error',
])
export type UpstreamErrorCode = z.infer<typeof UpstreamErrorCode>

/**
 * An upstream failure: the English sentence (CLI, logs, status file) and the same as a code with
 * parameters. `failures` and `windowSeconds` in the parameters say the circuit breaker stopped it.
 */
export const UpstreamFailure = z.object({
  code: UpstreamErrorCode,
  params: ReasonParams,
  message: z.string(),
})
export type UpstreamFailure = z.infer<typeof UpstreamFailure>

export const UpstreamSummary = z.object({
  id: z.string(),
  name: z.string(),
  command: z.string(),
  args: z.array(z.string()),
  env: z.array(EnvEntry),
  enabled: z.boolean(),
  perSession: z.boolean(),
  maxCallSeconds: z.number().int(),
  /** Whether its tools' annotations set their defaults; false: every tool asks until set. */
  trustHints: z.boolean(),
  state: UpstreamState,
  pid: z.number().int().nullable(),
  restarts: z.number().int(),
  toolCount: z.number().int(),
  lastError: z.string().nullable(),
  /** The same as a code with parameters, for the UI's language (null when lastError is). */
  lastErrorCode: UpstreamErrorCode.nullable().default(null),
  lastErrorParams: ReasonParams.nullable().default(null),
  /** The server's last stderr lines (values injected into its environment masked). */
  stderrTail: z.array(z.string()).default([]),
  /** Things the user should know: a name refused or namespaced, resource URIs that clash. */
  notes: z.array(z.string()),
  createdAt: z.number(),
  /** Set for a remote (URL) upstream; command and args are empty then. */
  remote: RemoteUpstreamInfo.nullable().default(null),
})
export type UpstreamSummary = z.infer<typeof UpstreamSummary>

export const UpstreamName = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'Use lower-case letters, digits, dashes or underscores (it prefixes tool names).',
  )

export const UpstreamInput = z.object({
  name: UpstreamName,
  command: z.string().min(1).max(1024),
  args: z.array(z.string().max(4096)).max(64).default([]),
  /** KEY → value; a value may be `{{credential:service/name.field}}`, resolved from the vault at start. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(8192)).default({}),
  enabled: z.boolean().default(true),
  /** One process per client session, for servers that keep per-user state (browsers, shells). */
  perSession: z.boolean().default(false),
  /** The longest one call may run, even while it reports progress (seconds). */
  maxCallSeconds: z.number().int().min(1).max(86_400).default(600),
})

export const ApprovalRequest = z.object({
  id: z.string(),
  client: z.string(),
  tool: z.string(),
  requiredLevel: RequiredLevel,
  /** The call's arguments with every stored secret value and secret-looking key redacted. */
  arguments: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  expiresAt: z.number(),
})
export type ApprovalRequest = z.infer<typeof ApprovalRequest>

/** Why a call was denied: a fixed set (also the metrics label, so a label never carries a sentence). */
export const DenyReason = z.enum([
  'unknown_tool',
  'scope',
  'off',
  'level',
  'headless',
  'user_denied',
  'approval_timeout',
  /** A prompt for the same tool is already waiting (`queue: duplicate`), or the client's queue is full. */
  'approval_queue',
])
export type DenyReason = z.infer<typeof DenyReason>

/** Why a call was denied or failed: a denial, the tool's own error result, or a failure inside Keybridge. */
export const CallReason = z.enum([...DenyReason.options, 'tool_error', 'tool_failed'])
export type CallReason = z.infer<typeof CallReason>

/**
 * A reason as a code the UI translates. The English sentence still goes to the app (MCP clients read
 * it) and to the CLI; `error` is the typed error a built-in tool threw, when one did.
 */
export const CallReasonInfo = z.object({
  why: CallReason,
  params: ReasonParams,
  error: ErrorShape.optional(),
})
export type CallReasonInfo = z.infer<typeof CallReasonInfo>

export const ActivityEntry = z.object({
  at: z.number(),
  client: z.string(),
  tool: z.string(),
  outcome: z.enum(['ok', 'denied', 'error']),
  durationMs: z.number(),
  /** Why a call was denied or failed: a readable sentence without secrets (English, for the CLI). */
  reason: z.string().nullable(),
  /** The same reason as a code and parameters, for the UI's language. */
  why: CallReason.nullable().optional(),
  whyParams: ReasonParams.optional(),
})
export type ActivityEntry = z.infer<typeof ActivityEntry>

/** An app connected to the bridge: one MCP session, labelled with what the app said in initialize. */
export const BridgeSession = z.object({
  id: z.string(),
  tokenId: z.string(),
  tokenName: z.string(),
  clientName: z.string().nullable(),
  clientVersion: z.string().nullable(),
  startedAt: z.number(),
  lastSeen: z.number(),
})
export type BridgeSession = z.infer<typeof BridgeSession>

/** "Connected" means a session seen within this window. */
export const CONNECTED_WINDOW_MS = 5 * 60_000

const ByName = z.object({ name: z.string().min(1) })

/** Tool calls per period; null for none. */
export const Quota = z.number().int().min(1).max(1_000_000_000).nullable()

export const bridgeChannels = {
  'bridge.status': channel(NoInput, BridgeStatus),
  'bridge.start': channel(NoInput, BridgeStatus),
  'bridge.stop': channel(NoInput, BridgeStatus),
  'bridge.config.get': channel(NoInput, BridgeConfig),
  'bridge.config.set': channel(BridgeConfig.partial(), BridgeConfig),
  'bridge.tokens.create': channel(
    z.object({
      name: TokenName,
      scopes: z.array(ToolPattern).max(64).default([]),
      /** Days until it expires; omitted or null for never. */
      expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
      dailyQuota: Quota.optional(),
      monthlyQuota: Quota.optional(),
    }),
    CreatedToken,
  ),
  /** Changes a token's limits; a field left out keeps its value, null removes a quota. */
  'bridge.tokens.update': channel(
    z.object({
      name: z.string().min(1),
      scopes: z.array(ToolPattern).max(64).optional(),
      dailyQuota: Quota.optional(),
      monthlyQuota: Quota.optional(),
    }),
    TokenSummary,
  ),
  'bridge.tokens.list': channel(NoInput, z.array(TokenSummary)),
  'bridge.tokens.revoke': channel(ByName, TokenSummary),
  'bridge.tools.list': channel(NoInput, z.array(ToolInfo)),
  'bridge.tools.set': channel(
    z.object({ tool: z.string().min(1), level: PermissionLevel, ask: z.boolean().optional() }),
    ToolInfo,
  ),
  'bridge.tools.setBulk': channel(
    z.object({ source: z.string().min(1), level: PermissionLevel, ask: z.boolean().optional() }),
    z.array(ToolInfo),
  ),
  'bridge.upstream.add': channel(UpstreamInput, UpstreamSummary),
  'bridge.upstream.list': channel(NoInput, z.array(UpstreamSummary)),
  'bridge.upstream.remove': channel(ByName, Ok),
  'bridge.upstream.restart': channel(ByName, UpstreamSummary),
  /** Imported servers arrive disabled: the user enables each one (needs the vault unlocked). */
  'bridge.upstream.setEnabled': channel(ByName.extend({ enabled: z.boolean() }), UpstreamSummary),
  'bridge.upstream.status': channel(ByName, UpstreamSummary),
  /** Desktop: the user confirmed binding the bridge to a non-loopback address (this run only). */
  'bridge.expose': channel(z.object({ host: z.string().min(1).max(255) }), BridgeStatus),
  /** Trust (or stop trusting) an upstream server's annotations as its tools' defaults; audited. */
  'bridge.upstream.trust': channel(ByName.extend({ trusted: z.boolean() }), UpstreamSummary),
  'bridge.approvals.pending': channel(NoInput, z.array(ApprovalRequest)),
  'bridge.approve': channel(z.object({ id: z.string().min(1), decision: ApprovalDecision }), Ok),
  /** Sessions seen in the last CONNECTED_WINDOW_MS (the "connected apps"). */
  'bridge.sessions': channel(NoInput, z.array(BridgeSession)),
  'bridge.clientConfig': channel(
    z.object({
      client: ClientKind,
      tokenName: TokenName,
      /** The token shown at creation; without it a fresh token is minted for tokenName. */
      token: z.string().optional(),
    }),
    z.object({
      client: ClientKind,
      /** The config file text to paste (JSON). */
      snippet: z.string(),
      /** Where that app keeps it, for the help text. */
      fileHint: z.string(),
      /** True when a fresh token value was minted (the previous value for that name stops working). */
      minted: z.boolean(),
      summary: TokenSummary,
      /** What the app may not accept about this token (too many tools for it). */
      warnings: z.array(z.string()).default([]),
    }),
  ),
} satisfies Record<string, ChannelDef>

export const bridgeEvents = {
  'bridge.statusChanged': BridgeStatus,
  'bridge.approvalRequested': ApprovalRequest,
  'bridge.approvalResolved': z.object({
    id: z.string(),
    decision: z.enum(['allow_once', 'always_allow', 'deny', 'timeout']),
  }),
  'bridge.activity': ActivityEntry,
  'bridge.toolsChanged': z.object({ at: z.number() }),
  /** A batch of tool-call audit rows is committed: views built on the audit log can reload now. */
  'bridge.callsRecorded': z.object({ count: z.number().int() }),
  /** An app finished initialize with one of the client tokens. */
  'bridge.sessionStarted': BridgeSession,
} satisfies Record<string, z.ZodType>

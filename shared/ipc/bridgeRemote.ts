import { z } from 'zod'
import { channel } from './define'
import { RemoteTransport, UpstreamName, UpstreamSummary } from './bridge'

/** Header names a remote upstream may be given (RFC 9110 token characters). */
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'Not a valid HTTP header name.')

export const RemoteUpstreamInput = z.object({
  name: UpstreamName,
  url: z.string().trim().min(1).max(2048),
  transport: RemoteTransport.default('streamable-http'),
  /** Name → value; a value may hold `{{credential:service/name.field}}`, resolved at connect time only. */
  headers: z.record(HeaderName, z.string().max(8192)).default({}),
  /** Plain http to this (LAN) host allowed on purpose; loopback never needs it. */
  allowHttp: z.boolean().default(false),
  /** A client the user registered with the authorization server beforehand (else CIMD / DCR). */
  clientId: z.string().min(1).max(512).optional(),
  clientSecret: z.string().min(1).max(4096).optional(),
  enabled: z.boolean().default(true),
})
export type RemoteUpstreamInput = z.infer<typeof RemoteUpstreamInput>

export const ProbeInput = z.object({
  url: z.string().trim().min(1).max(2048),
  transport: RemoteTransport.optional(),
  headers: z.record(HeaderName, z.string().max(8192)).default({}),
  allowHttp: z.boolean().default(false),
})

export const ProbeResult = z.object({
  url: z.string(),
  transport: RemoteTransport,
  serverName: z.string(),
  serverVersion: z.string(),
  protocolVersion: z.string().nullable(),
  capabilities: z.array(z.string()),
  tools: z.array(z.string()),
  /** True when the server asked for OAuth and the probe signed in. */
  signedIn: z.boolean(),
})
export type ProbeResult = z.infer<typeof ProbeResult>

export const SignInStart = z.object({
  flowId: z.string(),
  authorizeUrl: z.string(),
  expiresAt: z.number(),
})

export const SignInStatus = z.object({
  flowId: z.string(),
  state: z.enum(['pending', 'done', 'failed']),
  message: z.string().nullable(),
})

/** Channels of remote upstreams (#18); spread into the bridge's map in shared/ipc.ts. */
export const bridgeRemoteChannels = {
  'bridge.upstream.addRemote': channel(RemoteUpstreamInput, UpstreamSummary),
  /** Starts an OAuth sign-in: the renderer opens authorizeUrl; the loopback redirect finishes it. */
  'bridge.upstream.signIn': channel(z.object({ name: UpstreamName }), SignInStart),
  'bridge.upstream.signInStatus': channel(z.object({ flowId: z.string().min(1) }), SignInStatus),
  'bridge.upstream.probe': channel(ProbeInput, ProbeResult),
  /** A Home Assistant instance's own MCP server (`/api/mcp`) as a remote upstream, with its stored token. */
  'bridge.upstream.addHomeAssistant': channel(
    z.object({ instance: z.string().min(1), name: UpstreamName.optional() }),
    UpstreamSummary,
  ),
}

/** Events of remote upstreams: the desktop shows a notification and reloads the list. */
export const bridgeRemoteEvents = {
  'bridge.upstreamSignInNeeded': z.object({ name: z.string(), stepUp: z.boolean() }),
}

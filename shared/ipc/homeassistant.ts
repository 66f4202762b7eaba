import { z } from 'zod'
import { channel, NoInput, Ok, type ChannelDef } from './define'

/** A name unique across instances: letters, digits, space, dot, dash, underscore. */
export const HaInstanceName = z
  .string()
  .trim()
  .min(1, 'Give the instance a name.')
  .max(64, 'Keep the name under 64 characters.')
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'Use letters, digits, spaces, dots, dashes or underscores.')

/** A Home Assistant domain, the part of an entity id before the dot (light, switch, climate, ...). */
export const HaDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]+$/, 'A domain is lower-case letters, digits and underscores (e.g. light).')

/** A long-lived access token as pasted from the Home Assistant profile page. */
export const HaToken = z
  .string()
  .trim()
  .min(1, 'Paste a long-lived access token.')
  .max(4096, 'That token is too long to be a Home Assistant token.')

export const HaUrlInput = z.string().trim().min(1, 'Enter the URL of the Home Assistant instance.').max(2048)

/** Why a probe failed (or `ok`). Each has its own readable message in ProbeResult.message. */
export const HaProbeReason = z.enum([
  'ok',
  'bad_token',
  'unreachable',
  'timeout',
  'self_signed',
  'tls_error',
  'not_home_assistant',
  'http_error',
])
export type HaProbeReason = z.infer<typeof HaProbeReason>

export const HaWarning = z.object({
  code: z.enum(['plain_http_public', 'self_signed']),
  message: z.string(),
})
export type HaWarning = z.infer<typeof HaWarning>

export const HaProbeResult = z.object({
  reachable: z.boolean(),
  reason: HaProbeReason,
  message: z.string(),
  /** The normalised URL that was probed. */
  url: z.string(),
  latencyMs: z.number().nullable(),
  version: z.string().nullable(),
  locationName: z.string().nullable(),
  entityCount: z.number().int().nullable(),
  warnings: z.array(HaWarning),
  /** Advice that is not a problem, e.g. why HTTPS is recommended on a LAN. */
  advice: z.array(z.string()),
  checkedAt: z.number(),
})
export type HaProbeResult = z.infer<typeof HaProbeResult>

/** A stored instance as the renderer sees it: never the token. */
export const HaInstance = z.object({
  id: z.string(),
  name: z.string(),
  /** Lower-case name used in MCP tool names: identity homeassistant/<slug>/<tool>, exposed ha_<slug>_<tool>. */
  slug: z.string(),
  url: z.string(),
  /** Domains the bridge may touch; empty means all. */
  allowedDomains: z.array(z.string()),
  lastProbe: HaProbeResult.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
})
export type HaInstance = z.infer<typeof HaInstance>

const TimeoutMs = z.number().int().min(200).max(60_000).optional()
const Id = z.object({ id: z.string().min(1) })

export const HaAddInput = z.object({
  name: HaInstanceName,
  url: HaUrlInput,
  token: HaToken,
  allowedDomains: z.array(HaDomain).max(200).default([]),
  /** Probe first and refuse to save when the instance is unreachable or the token is refused. */
  validate: z.boolean().default(true),
  timeoutMs: TimeoutMs,
})

export const HaUpdateInput = z.object({
  id: z.string().min(1),
  name: HaInstanceName.optional(),
  url: HaUrlInput.optional(),
  /** Absent or empty keeps the stored token. */
  token: z.string().trim().max(4096).optional(),
  allowedDomains: z.array(HaDomain).max(200).optional(),
  /** Probe the changed connection before saving (only when url or token change). */
  validate: z.boolean().default(true),
  timeoutMs: TimeoutMs,
})

export const HaSaved = z.object({ instance: HaInstance, probe: HaProbeResult.nullable() })

export const HaDomainInfo = z.object({
  domain: z.string(),
  entityCount: z.number().int(),
  services: z.array(z.string()),
})

export const homeassistantChannels = {
  'homeassistant.list': channel(NoInput, z.array(HaInstance)),
  'homeassistant.get': channel(Id, HaInstance),
  'homeassistant.add': channel(HaAddInput, HaSaved),
  'homeassistant.update': channel(HaUpdateInput, HaSaved),
  'homeassistant.remove': channel(Id, Ok),
  /** Probe a connection that is not stored yet ("Test connection" in the add form). */
  'homeassistant.test': channel(
    z.object({ url: HaUrlInput, token: HaToken, timeoutMs: TimeoutMs }),
    HaProbeResult,
  ),
  /** Probe a stored instance and remember the result. */
  'homeassistant.probe': channel(Id.extend({ timeoutMs: TimeoutMs }), HaProbeResult),
  /** Domains seen on a stored instance (entities and services), for the allowed-domains picker. */
  'homeassistant.domains': channel(Id, z.object({ domains: z.array(HaDomainInfo) })),
} satisfies Record<string, ChannelDef>

export const homeassistantEvents = {
  'homeassistant.changed': z.object({ at: z.number() }),
} satisfies Record<string, z.ZodType>

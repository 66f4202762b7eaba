import { z } from 'zod'
import { CredentialName, CredentialStatus, CredentialSummary } from '../models/credential'
import { ServiceDescriptor, ValidationResult } from '../models/service'
import { channel, NoInput, Ok } from './define'

/** Form values keyed by catalog field key, secret fields included (they never come back out). */
export const FieldValues = z.record(z.string().max(64), z.string().max(16_384))

const ServiceId = z.string().min(1).max(64)
const OAuthServiceId = z.enum(['google', 'github', 'gitlab'])

export const SavedCredential = z.object({
  credential: CredentialSummary,
  /** Null when nothing was validated (rename only, or `validate: false`). */
  validation: ValidationResult.nullable(),
})

export const RevalidationItem = z.object({
  id: z.string(),
  ref: z.string(),
  status: CredentialStatus,
  validation: ValidationResult,
})

export const OAuthFlowState = z.enum(['pending', 'completed', 'failed', 'cancelled'])

export const OAuthFlowStatus = z.object({
  flowId: z.string(),
  service: OAuthServiceId,
  kind: z.enum(['authorization_code', 'device_code']),
  state: OAuthFlowState,
  /** A readable sentence about where the flow is. */
  message: z.string(),
  credential: CredentialSummary.nullable(),
  expiresAt: z.number(),
})
export type OAuthFlowStatus = z.infer<typeof OAuthFlowStatus>

const OAuthConnect = z.object({
  service: OAuthServiceId,
  /** The account's name in Keybridge (ignored when reconnecting an existing credential). */
  name: CredentialName,
  clientId: z.string().trim().min(1, 'Enter the OAuth client ID.').max(512),
  /** Google desktop clients' non-confidential secret; GitHub OAuth apps' secret. Sealed when stored. */
  clientSecret: z.string().max(512).optional(),
  scopes: z.array(z.string().min(1).max(256)).max(50).optional(),
  /** Self-managed GitLab URL. */
  baseUrl: z.string().max(2048).optional(),
  /** Reconnect (new grant) for an existing credential instead of creating one. */
  credentialId: z.string().optional(),
})

export const servicesChannels = {
  /** The catalog: what the credential forms are generated from. */
  'services.list': channel(NoInput, z.array(ServiceDescriptor)),
  /** Validates form values without saving anything. */
  'credentials.test': channel(z.object({ service: ServiceId, fields: FieldValues }), ValidationResult),
  /**
   * Validates, then stores. Refused with VALIDATION_FAILED (nothing stored) when the service
   * rejects it or cannot be reached, unless `saveAnyway` (then status 'unvalidated').
   */
  'credentials.create': channel(
    z.object({
      service: ServiceId,
      name: CredentialName,
      fields: FieldValues,
      saveAnyway: z.boolean().default(false),
      /** false: store without contacting the service (status 'unvalidated'). */
      validate: z.boolean().default(true),
    }),
    SavedCredential,
  ),
  /**
   * Rename and/or change fields. Secret keys left out are kept. Changing any field or secret
   * revalidates, with the same saveAnyway rule as create.
   */
  'credentials.update': channel(
    z.object({
      id: z.string(),
      name: CredentialName.optional(),
      fields: FieldValues.optional(),
      saveAnyway: z.boolean().default(false),
    }),
    SavedCredential,
  ),
  'credentials.revalidate': channel(
    z.union([z.object({ id: z.string() }).strict(), z.object({ all: z.literal(true) }).strict()]),
    z.object({ results: z.array(RevalidationItem) }),
  ),
  /**
   * Starts an authorization-code flow (PKCE, loopback redirect). The shell opens `authorizeUrl`
   * in the system browser; completion arrives as `services.oauthCompleted` and via oauthStatus.
   */
  'services.oauthStart': channel(
    OAuthConnect,
    z.object({
      flowId: z.string(),
      authorizeUrl: z.string(),
      redirectUri: z.string(),
      expiresAt: z.number(),
    }),
  ),
  /** GitHub device flow: show `userCode` and open `verificationUri`; Keybridge polls. */
  'services.oauthStartDevice': channel(
    OAuthConnect.omit({ clientSecret: true, baseUrl: true }).extend({ service: z.literal('github') }),
    z.object({
      flowId: z.string(),
      userCode: z.string(),
      verificationUri: z.string(),
      expiresAt: z.number(),
      intervalSeconds: z.number(),
    }),
  ),
  'services.oauthStatus': channel(z.object({ flowId: z.string() }), OAuthFlowStatus),
  'services.oauthCancel': channel(z.object({ flowId: z.string() }), Ok),
}

export const AttentionEvent = z.object({
  id: z.string(),
  ref: z.string(),
  service: z.string(),
  kind: z.enum(['invalid', 'expired', 'expiring']),
  status: CredentialStatus,
  message: z.string(),
  expiresAt: z.number().nullable(),
})
export type AttentionEvent = z.infer<typeof AttentionEvent>

export const servicesEvents = {
  'services.oauthCompleted': z.object({
    flowId: z.string(),
    service: OAuthServiceId,
    ok: z.boolean(),
    credentialId: z.string().nullable(),
    message: z.string(),
  }),
  /** A credential needs the user: invalid, expired, or expiring within 7 days. */
  'credentials.attention': AttentionEvent,
}

import { z } from 'zod'

export const AuthKind = z.enum(['api_key', 'bearer', 'basic', 'oauth2', 'custom_header'])
export type AuthKind = z.infer<typeof AuthKind>

/** One input of a service's credential form; the UI generates the form from these. */
export const ServiceField = z.object({
  key: z.string(),
  label: z.string(),
  secret: z.boolean(),
  optional: z.boolean(),
  kind: z.enum(['text', 'url', 'email', 'password', 'header-name', 'template']),
  hint: z.string().nullable(),
  placeholder: z.string().nullable(),
})
export type ServiceField = z.infer<typeof ServiceField>

/** What the renderer and the CLI see of a catalog entry (no functions, no secrets). */
export const ServiceDescriptor = z.object({
  id: z.string(),
  name: z.string(),
  authKind: AuthKind,
  fields: z.array(ServiceField),
  baseUrl: z.string().nullable(),
  docsUrl: z.string(),
  category: z.enum(['productivity', 'developer', 'ai', 'google', 'home', 'custom']),
  oauth: z.object({ supported: z.boolean(), flows: z.array(z.enum(['authorization_code', 'device_code'])) }),
})
export type ServiceDescriptor = z.infer<typeof ServiceDescriptor>

/** Why a validation did not say "valid". */
export const ValidationReason = z.enum([
  'bad_credentials',
  'forbidden',
  'rate_limited',
  'unreachable',
  'timeout',
  'tls_error',
  'unexpected_response',
  'not_validated',
])
export type ValidationReason = z.infer<typeof ValidationReason>

export const ValidationResult = z.object({
  outcome: z.enum(['valid', 'invalid', 'unreachable']),
  reason: ValidationReason.nullable(),
  /** A readable sentence; never contains the secret. */
  message: z.string(),
  /** The account the credential belongs to (login, email, workspace), when the service says. */
  account: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  checkedAt: z.number().int(),
  latencyMs: z.number().nullable(),
  retryAfterSeconds: z.number().nullable(),
})
export type ValidationResult = z.infer<typeof ValidationResult>

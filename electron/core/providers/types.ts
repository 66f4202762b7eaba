import type { ValidationResult } from '../../../shared/models/service'
import type { HttpResponse } from './http'

/** A credential as providers see it: non-secret fields and decrypted secrets. */
export interface CredentialInput {
  fields: Record<string, string>
  secrets: Record<string, string>
}

/** What a provider's validate() concludes; the validation service adds timing and redaction. */
export type Check = Pick<ValidationResult, 'outcome' | 'reason' | 'message' | 'account' | 'metadata'> & {
  retryAfterSeconds?: number | null
  /** When the provider says the credential itself expires (epoch ms). */
  expiresAt?: number | null
}

export interface ProbeRequest {
  method?: 'GET' | 'POST'
  /** Relative to the resolved base URL, starting with '/'. */
  path: string
  headers?: Record<string, string>
  body?: string
}

export interface ProbeContext {
  /** The service's display name, for messages. */
  name: string
  base: string
  credential: CredentialInput
  /** Sends a request to base + path carrying the provider's authentication headers. */
  send(req: ProbeRequest): Promise<HttpResponse>
}

/** How one catalog service authenticates requests and checks a credential. */
export interface Provider {
  id: string
  /** The non-secret field holding a user-given base URL (site, self-hosted URL), if any. */
  baseField?: string
  /** Plain http is allowed for user-given URLs (LAN services); otherwise only for loopback hosts. */
  allowHttp?: boolean
  /** Headers that authenticate any request to the provider (auth plus required version headers). */
  authenticate(c: CredentialInput): Record<string, string>
  validate(p: ProbeContext): Promise<Check>
}

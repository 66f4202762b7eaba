import { AppError } from '../../../shared/errors'
import type { ServiceDescriptor, ValidationResult } from '../../../shared/models/service'
import type { Clock } from '../clock'
import { resolveBaseUrl, type Env } from './base-url'
import { getServiceDescriptor } from './catalog'
import { HttpFailure, type ProviderHttp } from './http'
import { RateLimiter } from './rate-limit'
import { redact } from './redact'
import { getProvider } from './registry'
import type { Check, CredentialInput, Provider } from './types'

/** A validation result plus what only the core needs (not sent over IPC). */
export type Validation = ValidationResult & { expiresAt: number | null }

export interface ValidatorOptions {
  http: ProviderHttp
  clock: Clock
  env: Env
  userAgent: string
  /** Validation attempts per service per minute. */
  perMinute?: number
  timeoutMs?: number
}

export const DEFAULT_VALIDATIONS_PER_MINUTE = 10

export function requireService(id: string): { descriptor: ServiceDescriptor; provider: Provider } {
  const descriptor = getServiceDescriptor(id)
  const provider = getProvider(id)
  if (!descriptor || !provider)
    throw new AppError('NOT_FOUND', `Keybridge does not know the service "${id}".`)
  return { descriptor, provider }
}

/** Runs providers' checks: per-service rate limit, base URL resolution, typed failures, redaction. */
export class Validator {
  private readonly limiter: RateLimiter
  constructor(private readonly o: ValidatorOptions) {
    this.limiter = new RateLimiter(o.clock, o.perMinute ?? DEFAULT_VALIDATIONS_PER_MINUTE)
  }

  /**
   * Checks a credential against its provider. Over the per-service limit: throws RATE_LIMITED
   * (or, with `limited: 'result'`, returns a rate_limited result so batch revalidation goes on).
   */
  async check(
    serviceId: string,
    credential: CredentialInput,
    opts: { limited?: 'throw' | 'result' } = {},
  ): Promise<Validation> {
    const { descriptor, provider } = requireService(serviceId)
    const secrets = Object.values(credential.secrets)
    const started = this.o.clock.now()
    const slot = this.limiter.take(serviceId)
    if (!slot.ok) {
      const message = `Too many validation attempts for ${descriptor.name}: wait ${slot.retryAfterSeconds} s and try again.`
      if (opts.limited !== 'result') throw new AppError('RATE_LIMITED', message)
      return this.finish(
        {
          outcome: 'unreachable',
          reason: 'rate_limited',
          message,
          account: null,
          metadata: {},
          retryAfterSeconds: slot.retryAfterSeconds,
        },
        started,
        null,
        secrets,
      )
    }
    const base = resolveBaseUrl(descriptor, provider, credential.fields, this.o.env)
    const auth = provider.authenticate(credential)
    let latency = 0
    try {
      const check = await provider.validate({
        name: descriptor.name,
        base,
        credential,
        send: async (req) => {
          const res = await this.o.http.send({
            url: base + req.path,
            method: req.method ?? 'GET',
            headers: { 'user-agent': this.o.userAgent, accept: 'application/json', ...req.headers, ...auth },
            body: req.body,
            timeoutMs: this.o.timeoutMs,
            maxRetryAfterMs: 0,
          })
          latency += res.latencyMs
          return res
        },
      })
      return this.finish(check, started, latency, secrets)
    } catch (e) {
      if (e instanceof HttpFailure) {
        const check: Check = {
          outcome: 'unreachable',
          reason: e.reason,
          message: `${descriptor.name}: ${e.message}`,
          account: null,
          metadata: {},
        }
        return this.finish(check, started, latency || null, secrets)
      }
      throw e
    }
  }

  private finish(c: Check, started: number, latencyMs: number | null, secrets: string[]): Validation {
    const metadata: Record<string, string> = {}
    for (const [k, v] of Object.entries(c.metadata)) metadata[k] = redact(v, secrets)
    return {
      outcome: c.outcome,
      reason: c.reason,
      message: redact(c.message, secrets),
      account: c.account === null ? null : redact(c.account, secrets),
      metadata,
      checkedAt: started,
      latencyMs,
      retryAfterSeconds: c.retryAfterSeconds ?? null,
      expiresAt: c.expiresAt ?? null,
    }
  }
}

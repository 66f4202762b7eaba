import { AppError } from '../../../shared/errors'
import {
  credentialRef,
  type CredentialStatus,
  type CredentialSummary,
} from '../../../shared/models/credential'
import type { AuditActor } from '../../../shared/models/audit'
import type { ServiceDescriptor } from '../../../shared/models/service'
import type { CoreContext } from '../context'
import { raiseAttention } from './attention'
import { requireRedactableSecrets } from './redact'
import { requireService, type Validation, type Validator } from './validator'
import type { CredentialInput } from './types'

export interface Refresher {
  /** Refreshes an OAuth credential's access token; resolves to whether it now holds a fresh one. */
  refresh(id: string, actor: AuditActor): Promise<boolean>
}

export interface Saved {
  credential: CredentialSummary
  validation: Validation | null
}

/** Form values split by the catalog into non-secret fields and secrets; unknown keys refused. */
export function splitValues(
  descriptor: ServiceDescriptor,
  values: Record<string, string>,
): { fields: Record<string, string>; secrets: Record<string, string> } {
  const fields: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  for (const [key, raw] of Object.entries(values)) {
    const f = descriptor.fields.find((x) => x.key === key)
    if (!f) throw new AppError('INVALID_INPUT', `${descriptor.name} has no field "${key}".`)
    ;(f.secret ? secrets : fields)[key] = raw.trim()
  }
  return { fields, secrets }
}

function requireComplete(descriptor: ServiceDescriptor, c: CredentialInput): void {
  for (const f of descriptor.fields) {
    if (!f.optional && !(f.secret ? c.secrets[f.key] : c.fields[f.key])) {
      throw new AppError('INVALID_INPUT', `Enter the ${f.label.toLowerCase()} for ${descriptor.name}.`)
    }
  }
}

function fieldLabel(descriptor: { fields: { key: string; label: string }[] }, key: string): string {
  return descriptor.fields.find((f) => f.key === key)?.label.toLowerCase() ?? key
}

const isOAuthGrant = (c: CredentialSummary) => c.secretFields.includes('accessToken')

/**
 * Credential operations that talk to the provider: test without saving, create and update with
 * validation first (refused unless "save anyway"), revalidate one or all.
 */
export class CredentialService {
  refresher: Refresher | null = null

  constructor(
    private readonly ctx: CoreContext,
    private readonly validator: Validator,
  ) {}

  async test(service: string, values: Record<string, string>): Promise<Validation> {
    const { descriptor } = requireService(service)
    const c = splitValues(descriptor, values)
    if (descriptor.authKind !== 'oauth2') requireComplete(descriptor, c)
    return this.validator.check(service, c)
  }

  async create(
    input: {
      service: string
      name: string
      fields: Record<string, string>
      saveAnyway: boolean
      validate: boolean
    },
    actor: AuditActor,
  ): Promise<Saved> {
    const { descriptor } = requireService(input.service)
    if (descriptor.authKind === 'oauth2') {
      throw new AppError(
        'INVALID_INPUT',
        `${descriptor.name} accounts are added with "Connect" (OAuth in the browser).`,
      )
    }
    const c = splitValues(descriptor, input.fields)
    requireComplete(descriptor, c)
    requireRedactableSecrets(c.secrets, (k) => fieldLabel(descriptor, k))
    this.ctx.keyring.require()
    this.assertNameFree(input.service, input.name)
    const v = input.validate ? await this.validator.check(input.service, c) : null
    const outcome = this.decide(v, input.saveAnyway, descriptor.name)
    const credential = this.ctx.credentials.create(
      {
        service: input.service,
        name: input.name,
        account: v?.account ?? null,
        fields: c.fields,
        secrets: c.secrets,
        status: outcome.status,
        lastValidatedAt: outcome.status === 'active' ? v!.checkedAt : null,
        validationError: outcome.error,
        expiresAt: v?.expiresAt ?? null,
        metadata: v?.metadata ?? {},
      },
      actor,
    )
    return { credential, validation: v }
  }

  async update(
    input: { id: string; name?: string; fields?: Record<string, string>; saveAnyway: boolean },
    actor: AuditActor,
  ): Promise<Saved> {
    const before = this.ctx.credentials.get(input.id)
    const { descriptor } = requireService(before.service)
    const rename = input.name !== undefined && input.name !== before.name ? { name: input.name } : {}
    if (!input.fields || Object.keys(input.fields).length === 0) {
      const credential = Object.keys(rename).length
        ? this.ctx.credentials.update(before.id, rename, actor)
        : before
      return { credential, validation: null }
    }
    if (isOAuthGrant(before) || descriptor.authKind === 'oauth2') {
      throw new AppError(
        'INVALID_INPUT',
        `${credentialRef(before)} is connected with OAuth: reconnect it instead of editing it.`,
      )
    }
    const change = splitValues(descriptor, input.fields)
    const fields = { ...before.fields }
    for (const [k, v] of Object.entries(change.fields)) {
      if (v === '') delete fields[k]
      else fields[k] = v
    }
    // A secret left empty keeps the stored one.
    const secretPatch = Object.fromEntries(Object.entries(change.secrets).filter(([, v]) => v !== ''))
    requireRedactableSecrets(secretPatch, (k) => fieldLabel(descriptor, k))
    const current = this.ctx.credentials.readSecrets(before.id, { actor, action: 'read_for_validation' })
    const next = { fields, secrets: { ...current, ...secretPatch } }
    requireComplete(descriptor, next)
    const v = await this.validator.check(before.service, next)
    const outcome = this.decide(v, input.saveAnyway, descriptor.name)
    this.ctx.credentials.update(
      before.id,
      { ...rename, fields, ...(Object.keys(secretPatch).length ? { secrets: secretPatch } : {}) },
      actor,
    )
    const credential = this.ctx.credentials.setValidation(
      before.id,
      {
        status: outcome.status,
        lastValidatedAt: outcome.status === 'active' ? v.checkedAt : before.lastValidatedAt,
        validationError: outcome.error,
        account: v.account ?? (outcome.status === 'active' ? before.account : null),
        metadata: v.metadata,
        expiresAt: v.expiresAt,
      },
      actor,
    )
    return { credential, validation: v }
  }

  /** Revalidates one stored credential (refreshing an OAuth token first when it is due). */
  async revalidate(
    id: string,
    actor: AuditActor,
    limited: 'throw' | 'result' = 'throw',
  ): Promise<Saved & { validation: Validation }> {
    this.ctx.keyring.require()
    let c = this.ctx.credentials.get(id)
    const refreshable = c.secretFields.includes('refreshToken') && this.refresher
    if (refreshable && c.expiresAt !== null && c.expiresAt - this.ctx.clock.now() < 60_000) {
      await this.refresher!.refresh(id, actor)
      c = this.ctx.credentials.get(id)
    }
    let v = await this.check(c, actor, limited)
    if (
      refreshable &&
      v.reason === 'bad_credentials' &&
      c.status !== 'expired' &&
      (await this.refresher!.refresh(id, actor))
    ) {
      c = this.ctx.credentials.get(id)
      v = await this.check(c, actor, limited)
    }
    return { credential: this.apply(this.ctx.credentials.get(id), v, actor), validation: v }
  }

  /** Revalidates every credential in turn; `cancelled` is asked between two (the scheduler stopping). */
  async revalidateAll(
    actor: AuditActor,
    cancelled: () => boolean = () => false,
  ): Promise<{ credential: CredentialSummary; validation: Validation }[]> {
    this.ctx.keyring.require()
    const out: { credential: CredentialSummary; validation: Validation }[] = []
    for (const c of this.ctx.credentials.list()) {
      if (cancelled()) break
      try {
        out.push(await this.revalidate(c.id, actor, 'result'))
      } catch (e) {
        if (e instanceof AppError && e.code === 'VAULT_LOCKED') throw e
        const message = e instanceof AppError ? e.message : 'The check failed inside Keybridge.'
        out.push({
          credential: this.ctx.credentials.get(c.id),
          validation: {
            outcome: 'unreachable',
            reason: 'unexpected_response',
            message,
            account: null,
            metadata: {},
            checkedAt: this.ctx.clock.now(),
            latencyMs: null,
            retryAfterSeconds: null,
            expiresAt: null,
          },
        })
      }
    }
    return out
  }

  private async check(
    c: CredentialSummary,
    actor: AuditActor,
    limited: 'throw' | 'result',
  ): Promise<Validation> {
    const secrets = this.ctx.credentials.readSecrets(c.id, { actor, action: 'read_for_validation' })
    return this.validator.check(c.service, { fields: c.fields, secrets }, { limited })
  }

  /** Records a revalidation on the credential; a newly broken credential raises attention. */
  private apply(c: CredentialSummary, v: Validation, actor: AuditActor): CredentialSummary {
    let status: CredentialStatus = c.status
    if (v.outcome === 'valid') {
      // The provider still answers, but says the credential's own expiry has passed.
      status = v.expiresAt !== null && v.expiresAt <= this.ctx.clock.now() ? 'expired' : 'active'
    } else if (v.outcome === 'invalid')
      status = c.status === 'expired' || c.status === 'revoked' ? c.status : 'invalid'
    const checked = v.outcome !== 'unreachable'
    const after = this.ctx.credentials.setValidation(
      c.id,
      {
        status,
        lastValidatedAt: checked ? v.checkedAt : c.lastValidatedAt,
        validationError: v.outcome === 'valid' || v.reason === 'not_validated' ? null : v.message,
        account: v.outcome === 'valid' ? (v.account ?? c.account) : c.account,
        metadata: v.outcome === 'valid' ? { ...c.metadata, ...v.metadata } : c.metadata,
        ...(v.expiresAt !== null ? { expiresAt: v.expiresAt } : {}),
      },
      actor,
    )
    if (status === 'invalid' && c.status !== 'invalid') raiseAttention(this.ctx, after, 'invalid', v.message)
    return after
  }

  private decide(
    v: Validation | null,
    saveAnyway: boolean,
    serviceName: string,
  ): { status: CredentialStatus; error: string | null } {
    if (!v || v.reason === 'not_validated') return { status: 'unvalidated', error: null }
    if (v.outcome === 'valid') return { status: 'active', error: null }
    if (!saveAnyway) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${v.message} Nothing was saved; choose "Save anyway" to keep it unchecked.`,
        { reason: v.reason ?? 'unexpected_response', service: serviceName },
        'validation_failed',
      )
    }
    return { status: 'unvalidated', error: v.message }
  }

  private assertNameFree(service: string, name: string): void {
    const clash = this.ctx.credentials
      .list({ service })
      .some((c) => c.name.toLowerCase() === name.toLowerCase())
    if (clash)
      throw new AppError(
        'CONFLICT',
        `There is already a ${service} account named "${name}". Pick another name.`,
      )
  }
}

import { randomUUID } from 'node:crypto'
import { AppError } from '../../../../shared/errors'
import type { OAuthFlowStatus } from '../../../../shared/ipc/services'
import type { AuditActor } from '../../../../shared/models/audit'
import type { CredentialSummary } from '../../../../shared/models/credential'
import type { CoreContext } from '../../context'
import type { Validator } from '../validator'
import {
  challengeFor,
  OAuthClient,
  OAuthError,
  randomState,
  randomVerifier,
  validateCallback,
  type TokenSet,
} from './client'
import { oauthServer, type OAuthServer, type OAuthService } from './endpoints'
import { LoopbackReceiver } from './loopback'

export interface ConnectInput {
  service: OAuthService
  name: string
  clientId: string
  clientSecret?: string
  scopes?: string[]
  baseUrl?: string
  credentialId?: string
}

interface Flow {
  status: OAuthFlowStatus
  stop: () => void
}

/** How long a sign-in may take before Keybridge stops waiting for it. */
export const FLOW_TTL_MS = 10 * 60_000
const KEEP_FINISHED = 20

/**
 * OAuth connections: authorization code with PKCE and a loopback redirect (RFC 8252), and
 * GitHub's device flow. Tokens land in the credential's sealed secrets; the account comes from
 * the provider's own validation call.
 */
export class OAuthFlows {
  private flows = new Map<string, Flow>()

  constructor(
    private readonly ctx: CoreContext,
    private readonly client: OAuthClient,
    private readonly validator: Validator,
  ) {}

  async startAuthorizationCode(
    input: ConnectInput,
    actor: AuditActor,
  ): Promise<{ flowId: string; authorizeUrl: string; redirectUri: string; expiresAt: number }> {
    const { server, fields } = this.prepare(input)
    const flowId = randomUUID()
    const verifier = randomVerifier()
    const state = randomState()
    const receiver = new LoopbackReceiver()
    const as = this.client.as(server)
    const flow = this.register(
      flowId,
      input.service,
      'authorization_code',
      'Waiting for you to sign in in the browser.',
      () => receiver.close(),
    )
    const redirectUri = await receiver.listen(async (url) => {
      if (flow.status.state !== 'pending') return { ok: false, message: 'This sign-in is no longer waiting.' }
      let params: URLSearchParams
      try {
        params = validateCallback(as, { client_id: input.clientId }, url, state)
      } catch (e) {
        const denied = (e as { error?: unknown }).error
        if (typeof denied === 'string') {
          const code = /^[a-z_]{1,48}$/.test(denied) ? denied : 'error'
          this.finish(flowId, 'failed', `The sign-in was not granted (${code}).`, null)
          return { ok: false, message: 'The sign-in was not granted.' }
        }
        // A wrong or missing state: not our redirect. Keep waiting for the real one.
        return { ok: false, message: 'This sign-in link does not match the one Keybridge started.' }
      }
      try {
        const tokens = await this.client.exchangeCode(
          server,
          input.clientId,
          input.clientSecret,
          params,
          redirectUri,
          verifier,
        )
        const credential = await this.save(input, fields, tokens, actor)
        this.finish(flowId, 'completed', `Connected ${credential.service}/${credential.name}.`, credential)
        return { ok: true, message: 'Keybridge is connected.' }
      } catch (e) {
        this.finish(flowId, 'failed', readable(e), null)
        return { ok: false, message: 'Keybridge could not finish the sign-in.' }
      }
    })
    const url = new URL(server.authorizationUrl)
    const scopes = input.scopes?.length ? input.scopes : server.defaultScopes
    url.search = new URLSearchParams({
      client_id: input.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: scopes.join(' '),
      state,
      code_challenge: await challengeFor(verifier),
      code_challenge_method: 'S256',
      ...server.authorizeParams,
    }).toString()
    this.audit(actor, 'oauth_started', input)
    return { flowId, authorizeUrl: url.href, redirectUri, expiresAt: flow.status.expiresAt }
  }

  async startDevice(
    input: ConnectInput,
    actor: AuditActor,
  ): Promise<{
    flowId: string
    userCode: string
    verificationUri: string
    expiresAt: number
    intervalSeconds: number
  }> {
    const { server, fields } = this.prepare(input)
    if (!server.deviceUrl) throw new AppError('INVALID_INPUT', `${input.service} has no device sign-in.`)
    const scopes = input.scopes?.length ? input.scopes : server.defaultScopes
    const d = await this.client.deviceAuthorization(server, input.clientId, scopes)
    const flowId = randomUUID()
    let cancelTimer = () => {}
    const flow = this.register(
      flowId,
      input.service,
      'device_code',
      `Enter the code ${d.user_code} at ${d.verification_uri}.`,
      () => cancelTimer(),
    )
    flow.status.expiresAt = Math.min(flow.status.expiresAt, this.ctx.clock.now() + d.expires_in * 1000)
    let interval = Math.max(1, d.interval ?? 5)
    const poll = async () => {
      if (flow.status.state !== 'pending') return
      if (this.ctx.clock.now() >= flow.status.expiresAt)
        return this.finish(flowId, 'failed', 'The code expired before it was entered.', null)
      try {
        const tokens = await this.client.deviceToken(server, input.clientId, d.device_code)
        if (flow.status.state !== 'pending') return
        const credential = await this.save(input, fields, tokens, actor)
        this.finish(flowId, 'completed', `Connected ${credential.service}/${credential.name}.`, credential)
      } catch (e) {
        if (flow.status.state !== 'pending') return
        const code = e instanceof OAuthError ? e.oauthCode : null
        if (code === 'authorization_pending' || code === 'slow_down') {
          if (code === 'slow_down') interval += 5
          cancelTimer = this.ctx.clock.setTimer(interval * 1000, () => void poll())
          return
        }
        this.finish(flowId, 'failed', readable(e), null)
      }
    }
    cancelTimer = this.ctx.clock.setTimer(interval * 1000, () => void poll())
    this.audit(actor, 'oauth_started', input)
    return {
      flowId,
      userCode: d.user_code,
      verificationUri: d.verification_uri_complete ?? d.verification_uri,
      expiresAt: flow.status.expiresAt,
      intervalSeconds: interval,
    }
  }

  status(flowId: string): OAuthFlowStatus {
    const f = this.flows.get(flowId)
    if (!f) throw new AppError('NOT_FOUND', 'That sign-in is not known (it may have finished long ago).')
    return {
      ...f.status,
      credential: f.status.credential ? this.ctx.credentials.get(f.status.credential.id) : null,
    }
  }

  cancel(flowId: string): void {
    const f = this.flows.get(flowId)
    if (f && f.status.state === 'pending')
      this.finish(flowId, 'cancelled', 'The sign-in was cancelled.', null)
  }

  stopAll(): void {
    for (const [id, f] of this.flows)
      if (f.status.state === 'pending') this.finish(id, 'cancelled', 'Keybridge is shutting down.', null)
  }

  private prepare(input: ConnectInput): { server: OAuthServer; fields: Record<string, string> } {
    this.ctx.keyring.require()
    if (input.credentialId) {
      const c = this.ctx.credentials.get(input.credentialId)
      if (c.service !== input.service)
        throw new AppError('INVALID_INPUT', `That credential is not a ${input.service} account.`)
    } else if (
      this.ctx.credentials
        .list({ service: input.service })
        .some((c) => c.name.toLowerCase() === input.name.toLowerCase())
    ) {
      throw new AppError(
        'CONFLICT',
        `There is already a ${input.service} account named "${input.name}". Pick another name.`,
      )
    }
    const fields: Record<string, string> = { clientId: input.clientId }
    if (input.baseUrl) fields['url'] = input.baseUrl
    return { server: oauthServer(input.service, fields, this.ctx.env), fields }
  }

  private register(
    flowId: string,
    service: OAuthService,
    kind: OAuthFlowStatus['kind'],
    message: string,
    stop: () => void,
  ): Flow {
    const expiresAt = this.ctx.clock.now() + FLOW_TTL_MS
    const cancelTtl = this.ctx.clock.setTimer(FLOW_TTL_MS, () =>
      this.finish(flowId, 'failed', 'The sign-in took too long; start it again.', null),
    )
    const flow: Flow = {
      status: { flowId, service, kind, state: 'pending', message, credential: null, expiresAt },
      stop: () => {
        cancelTtl()
        stop()
      },
    }
    this.flows.set(flowId, flow)
    const finished = [...this.flows.entries()].filter(([, f]) => f.status.state !== 'pending')
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.flows.delete(id)
    return flow
  }

  private finish(
    flowId: string,
    state: OAuthFlowStatus['state'],
    message: string,
    credential: CredentialSummary | null,
  ): void {
    const f = this.flows.get(flowId)
    if (!f || f.status.state !== 'pending') return
    f.stop()
    f.status = { ...f.status, state, message, credential }
    this.ctx.events.emit('services.oauthCompleted', {
      flowId,
      service: f.status.service,
      ok: state === 'completed',
      credentialId: credential?.id ?? null,
      message,
    })
  }

  /** Stores the grant: a new credential, or new tokens on the one being reconnected. */
  private async save(
    input: ConnectInput,
    fields: Record<string, string>,
    tokens: TokenSet,
    actor: AuditActor,
  ): Promise<CredentialSummary> {
    const secrets: Record<string, string> = { accessToken: tokens.accessToken }
    if (tokens.refreshToken) secrets['refreshToken'] = tokens.refreshToken
    if (input.clientSecret) secrets['clientSecret'] = input.clientSecret
    const v = await this.validator.check(input.service, { fields, secrets }, { limited: 'result' })
    const ok = v.outcome === 'valid'
    const metadata = { ...v.metadata, ...(tokens.scope ? { scope: tokens.scope } : {}), auth: 'oauth' }
    if (input.credentialId) {
      const id = input.credentialId
      this.ctx.credentials.update(
        id,
        {
          fields,
          secrets: { ...secrets, refreshToken: tokens.refreshToken ?? '' },
          expiresAt: tokens.expiresAt,
        },
        actor,
      )
      return this.ctx.credentials.setValidation(
        id,
        {
          status: ok ? 'active' : 'unvalidated',
          lastValidatedAt: ok ? v.checkedAt : null,
          validationError: ok ? null : v.message,
          account: v.account,
          metadata,
          expiresAt: tokens.expiresAt,
        },
        actor,
      )
    }
    return this.ctx.credentials.create(
      {
        service: input.service,
        name: input.name,
        account: v.account,
        fields,
        secrets,
        status: ok ? 'active' : 'unvalidated',
        lastValidatedAt: ok ? v.checkedAt : null,
        validationError: ok ? null : v.message,
        expiresAt: tokens.expiresAt,
        metadata,
      },
      actor,
    )
  }

  private audit(actor: AuditActor, action: string, input: ConnectInput): void {
    this.ctx.audit.record({
      actor,
      action,
      target: `${input.service}/${input.name}`,
      detail: { service: input.service },
    })
  }
}

function readable(e: unknown): string {
  return e instanceof AppError ? e.message : 'Keybridge could not finish the sign-in.'
}

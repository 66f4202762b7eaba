import { AppError } from '../../../../shared/errors'
import type { AuditActor } from '../../../../shared/models/audit'
import { credentialRef } from '../../../../shared/models/credential'
import type { CoreContext } from '../../context'
import { raiseAttention } from '../attention'
import type { Refresher } from '../credential-service'
import { OAuthClient, OAuthError } from './client'
import { isOAuthService, oauthServer } from './endpoints'

/** Refresh this long before the access token expires. */
export const REFRESH_AHEAD_MS = 5 * 60_000
/** After a failure that is not the grant's fault (network), try again after this. */
export const RETRY_MS = 5 * 60_000

/** Credential changes are re-planned together after this pause: an import adds thousands at once. */
export const REPLAN_DEBOUNCE_MS = 1_000

/**
 * Keeps OAuth access tokens fresh: one timer per refreshable credential, due REFRESH_AHEAD_MS
 * before expiry, on the injected clock. Rotated refresh tokens replace the old one;
 * `invalid_grant` (revoked, or a Testing app's 7-day token) marks the credential expired and
 * tells the user. A change re-plans (debounced) from metadata only and touches only the timers
 * whose due time moved, so adding a credential never costs a pass over every secret.
 */
export class TokenRefresher implements Refresher {
  private timers = new Map<string, { due: number; cancel: () => void }>()
  private inflight = new Map<string, Promise<boolean>>()
  private notBefore = new Map<string, number>()
  private unsubscribe: (() => void)[] = []
  private cancelReplan: (() => void) | null = null
  private stopped = false

  constructor(
    private readonly ctx: CoreContext,
    private readonly client: OAuthClient,
  ) {}

  start(): void {
    this.stopped = false
    this.unsubscribe.push(
      this.ctx.events.subscribe((name) => {
        if (name === 'credentials.changed') this.replanSoon()
      }),
      this.ctx.keyring.onChange(() => this.schedule()),
    )
    this.schedule()
  }

  /** Cancels every timer; nothing is planned or started afterwards (see idle for what is running). */
  stop(): void {
    this.stopped = true
    for (const u of this.unsubscribe) u()
    this.unsubscribe = []
    this.cancelReplan?.()
    this.cancelReplan = null
    for (const t of this.timers.values()) t.cancel()
    this.timers.clear()
  }

  /** Resolves when refreshes already under way have stored their result. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()])
  }

  private replanSoon(): void {
    if (this.stopped || this.cancelReplan) return
    this.cancelReplan = this.ctx.clock.setTimer(REPLAN_DEBOUNCE_MS, () => {
      this.cancelReplan = null
      this.schedule()
    })
  }

  /** Brings the timers in line with the stored credentials; cheap (metadata only, cached list). */
  schedule(): void {
    this.cancelReplan?.()
    this.cancelReplan = null
    if (this.stopped || !this.ctx.keyring.unlocked) {
      for (const t of this.timers.values()) t.cancel()
      this.timers.clear()
      return
    }
    const now = this.ctx.clock.now()
    const wanted = new Map<string, number>()
    for (const c of this.ctx.credentials.list()) {
      if (!c.secretFields.includes('refreshToken') || c.expiresAt === null || !isOAuthService(c.service))
        continue
      if (c.status === 'expired' || c.status === 'revoked') continue
      wanted.set(c.id, Math.max(c.expiresAt - REFRESH_AHEAD_MS, this.notBefore.get(c.id) ?? 0))
    }
    for (const [id, t] of this.timers) {
      if (wanted.get(id) === t.due) continue
      t.cancel()
      this.timers.delete(id)
    }
    for (const [id, due] of wanted) {
      if (this.timers.has(id)) continue
      const cancel = this.ctx.clock.setTimer(Math.max(0, due - now), () => {
        this.timers.delete(id)
        if (!this.stopped) void this.refresh(id, 'scheduler')
      })
      this.timers.set(id, { due, cancel })
    }
  }

  /** Refreshes now; resolves true when a fresh access token is stored. Never throws for the grant. */
  refresh(id: string, actor: AuditActor): Promise<boolean> {
    const running = this.inflight.get(id)
    if (running) return running
    if (this.stopped) return Promise.resolve(false)
    const p = this.run(id, actor).finally(() => this.inflight.delete(id))
    this.inflight.set(id, p)
    return p
  }

  private async run(id: string, actor: AuditActor): Promise<boolean> {
    if (!this.ctx.keyring.unlocked) return false
    let c
    try {
      c = this.ctx.credentials.get(id)
    } catch {
      return false
    }
    const secrets = this.ctx.credentials.readSecrets(id, { actor, action: 'read_for_refresh' })
    if (!secrets['refreshToken']) return false
    const started = this.ctx.clock.now()
    try {
      const server = oauthServer(c.service, c.fields, this.ctx.env)
      const tokens = await this.client.refresh(
        server,
        c.fields['clientId'] ?? '',
        secrets['clientSecret'],
        secrets['refreshToken'],
      )
      const rotated = tokens.refreshToken !== null && tokens.refreshToken !== secrets['refreshToken']
      // Short-lived tokens must not turn the timer into a loop.
      this.notBefore.set(id, this.ctx.clock.now() + 60_000)
      this.ctx.credentials.update(
        id,
        {
          secrets: {
            accessToken: tokens.accessToken,
            ...(rotated ? { refreshToken: tokens.refreshToken! } : {}),
          },
          expiresAt: tokens.expiresAt,
        },
        actor,
      )
      this.ctx.audit.record({
        actor,
        action: 'refreshed',
        target: credentialRef(c),
        durationMs: this.ctx.clock.now() - started,
        detail: { rotated, expiresAt: tokens.expiresAt },
      })
      if (c.status !== 'active') {
        this.ctx.credentials.setValidation(
          id,
          { status: 'active', lastValidatedAt: this.ctx.clock.now(), validationError: null },
          actor,
        )
      }
      return true
    } catch (e) {
      const code = e instanceof OAuthError ? e.oauthCode : null
      this.ctx.audit.record({
        actor,
        action: 'refreshed',
        target: credentialRef(c),
        outcome: 'error',
        detail: { error: code ?? (e instanceof AppError ? e.code : 'INTERNAL') },
      })
      if (code === 'invalid_grant') {
        const message = `The ${c.service} sign-in for ${credentialRef(c)} was revoked or has expired: connect it again.`
        const after = this.ctx.credentials.setValidation(
          id,
          { status: 'expired', lastValidatedAt: this.ctx.clock.now(), validationError: message },
          actor,
        )
        raiseAttention(this.ctx, after, 'expired', message)
        return false
      }
      // Not the grant's fault (offline, server trouble): try again later.
      this.notBefore.set(id, this.ctx.clock.now() + RETRY_MS)
      this.schedule()
      return false
    }
  }
}

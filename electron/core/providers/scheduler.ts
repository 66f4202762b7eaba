import { credentialRef } from '../../../shared/models/credential'
import type { CoreContext } from '../context'
import { raiseAttention } from './attention'
import type { CredentialService } from './credential-service'

export const DAY_MS = 86_400_000
/** Warn this long before a credential that cannot refresh itself expires. */
export const EXPIRY_WARNING_MS = 7 * DAY_MS

/**
 * Background work on the injected clock: revalidate every credential once a day (while unlocked)
 * and warn about credentials expiring within 7 days or already expired. Audit retention is
 * scheduled by the vault feature (vault/audit-retention.ts) on the same clock.
 */
export class ProvidersScheduler {
  private cancel: () => void = () => {}
  /** `id:expiresAt` already warned about, so one expiry is announced once per run of the app. */
  private warned = new Set<string>()
  /** Set by stop(): a run under way ends after the credential it is checking, and nothing new starts. */
  private stopped = false
  running: Promise<void> = Promise.resolve()

  constructor(
    private readonly ctx: CoreContext,
    private readonly service: CredentialService,
  ) {}

  start(): void {
    this.stopped = false
    this.checkExpiry()
    const tick = () => {
      if (this.stopped) return
      this.running = this.daily()
      this.cancel = this.ctx.clock.setTimer(DAY_MS, tick)
    }
    this.cancel = this.ctx.clock.setTimer(DAY_MS, tick)
  }

  stop(): void {
    this.stopped = true
    this.cancel()
    this.cancel = () => {}
  }

  /** Resolves when a daily run under way has finished (the feature awaits it before the vault closes). */
  async idle(): Promise<void> {
    await this.running.catch(() => {})
  }

  async daily(): Promise<void> {
    if (this.ctx.keyring.unlocked) {
      try {
        await this.service.revalidateAll('scheduler', () => this.stopped)
      } catch {
        // Locked mid-run or a store error: the next day tries again; each result is already recorded.
      }
    }
    if (!this.stopped) this.checkExpiry()
  }

  /** Expiry warnings for credentials that cannot renew themselves (no refresh token). */
  checkExpiry(): void {
    const now = this.ctx.clock.now()
    for (const c of this.ctx.credentials.list()) {
      if (c.expiresAt === null || c.secretFields.includes('refreshToken')) continue
      if (c.status === 'revoked') continue
      const key = `${c.id}:${c.expiresAt}:${c.expiresAt <= now ? 'expired' : 'expiring'}`
      if (this.warned.has(key)) continue
      if (c.expiresAt <= now) {
        this.warned.add(key)
        const message = `${credentialRef(c)} expired on ${new Date(c.expiresAt).toISOString().slice(0, 10)}: replace it.`
        const after =
          c.status === 'expired'
            ? c
            : this.ctx.credentials.setValidation(
                c.id,
                { status: 'expired', lastValidatedAt: c.lastValidatedAt, validationError: message },
                'scheduler',
              )
        raiseAttention(this.ctx, after, 'expired', message)
      } else if (c.expiresAt - now <= EXPIRY_WARNING_MS) {
        this.warned.add(key)
        const days = Math.max(1, Math.ceil((c.expiresAt - now) / DAY_MS))
        raiseAttention(
          this.ctx,
          c,
          'expiring',
          `${credentialRef(c)} expires in ${days} day${days === 1 ? '' : 's'}.`,
        )
      }
    }
  }
}

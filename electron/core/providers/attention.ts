import { credentialRef, type CredentialSummary } from '../../../shared/models/credential'
import type { AttentionEvent } from '../../../shared/ipc/services'
import type { CoreContext } from '../context'

const TITLES: Record<AttentionEvent['kind'], (ref: string) => string> = {
  invalid: (ref) => `${ref} no longer works`,
  expired: (ref) => `${ref} has expired`,
  expiring: (ref) => `${ref} expires soon`,
}

/** Tells the UI (event) and the desktop (notification, when the shell provides one). No secrets. */
export function raiseAttention(
  ctx: CoreContext,
  c: CredentialSummary,
  kind: AttentionEvent['kind'],
  message: string,
): void {
  const ref = credentialRef(c)
  ctx.events.emit('credentials.attention', {
    id: c.id,
    ref,
    service: c.service,
    kind,
    status: c.status,
    message,
    expiresAt: c.expiresAt,
  })
  try {
    ctx.options.notify?.({ title: TITLES[kind](ref), body: message, kind: 'credential' })
  } catch {
    // A failing notification must not fail the operation that raised it.
  }
}

import type { ReasonParams, UpstreamErrorCode } from '../../../shared/ipc/bridge'
import type { MessageKey } from '../i18n/translate'

/**
 * The catalog key of an upstream failure; some codes read differently by a parameter. `hasError`: a
 * typed Keybridge error came with it (`{errorText}` is filled).
 */
export function upstreamErrorKey(code: UpstreamErrorCode, p: ReasonParams, hasError: boolean): MessageKey {
  switch (code) {
    case 'needs_sign_in':
      return p['stepUp'] === 1 ? 'upstreamError.needs_sign_in_more' : 'upstreamError.needs_sign_in'
    case 'unreachable':
      return p['cause'] ? 'upstreamError.unreachable_cause' : 'upstreamError.unreachable'
    case 'spawn_failed':
      return p['errno'] === 'ENOENT' ? 'upstreamError.spawn_failed' : 'upstreamError.spawn_failed_errno'
    case 'env_unresolved':
      if (!hasError) return 'upstreamError.env_failed'
      return p['env'] ? 'upstreamError.env_unresolved' : 'upstreamError.error'
    case 'transport_failed':
    case 'error':
      return hasError ? 'upstreamError.error' : 'upstreamError.transport_failed'
    default:
      return `upstreamError.${code}`
  }
}

/** Variants besides `upstreamError.<code>` (the i18n test checks each has French). */
export const UPSTREAM_ERROR_VARIANTS = [
  'upstreamError.needs_sign_in_more',
  'upstreamError.unreachable_cause',
  'upstreamError.spawn_failed_errno',
  'upstreamError.env_failed',
  'upstreamError.breaker',
] as const

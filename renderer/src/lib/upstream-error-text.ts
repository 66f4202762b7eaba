import { ErrorCode } from '../../../shared/errors'
import { UpstreamErrorCode, type ReasonParams } from '../../../shared/ipc/bridge'
import type { Language, T, Vars } from '../i18n/translate'
import { errorText } from './error-text'
import { upstreamErrorKey } from './upstream-error-key'

/**
 * Why an upstream is not running, in the UI language, from its code and parameters. English keeps the
 * core's sentence; an upstream summary without a code (an older core) shows its sentence as is.
 */
export function upstreamErrorText(
  u: { lastError: string | null; lastErrorCode?: string | null; lastErrorParams?: ReasonParams | null },
  t: T,
  lang: Language,
): string | null {
  if (!u.lastError) return null
  const code = UpstreamErrorCode.safeParse(u.lastErrorCode)
  if (lang === 'en' || !code.success) return u.lastError
  const params = u.lastErrorParams ?? {}
  const vars: Vars = { ...params }
  const inner = ErrorCode.safeParse(params['errorCode'])
  if (inner.success) {
    const key = typeof params['errorKey'] === 'string' ? params['errorKey'] : undefined
    vars['errorText'] = errorText({ code: inner.data, message: u.lastError, key, params }, lang)
  }
  const text = t(upstreamErrorKey(code.data, params, 'errorText' in vars), vars)
  return typeof params['failures'] === 'number'
    ? `${text.replace(/\.$/, '')}. ${t('upstreamError.breaker', vars)}`
    : text
}

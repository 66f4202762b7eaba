import { CallReason, PermissionLevel, type CallReasonInfo } from '../../../shared/ipc/bridge'
import type { Language, MessageKey, T, Vars } from '../i18n/translate'
import { errorText } from './error-text'

/** The catalog key of a call reason; two reasons read differently by a parameter. */
export function callReasonKey(r: Pick<CallReasonInfo, 'why' | 'params'>): MessageKey {
  if (r.why === 'headless' && r.params['server']) return 'callReason.headless_untrusted'
  if (r.why === 'approval_queue' && r.params['queue'] === 'full') return 'callReason.approval_queue_full'
  return `callReason.${r.why}`
}

/**
 * Why a bridge call was denied or failed, in the UI language, from its code and parameters (the core's
 * English sentence goes to the app and the CLI). A typed error a built-in tool threw reads as that error.
 */
export function callReasonText(r: CallReasonInfo, t: T, lang: Language): string {
  if (r.error) return errorText(r.error, lang)
  const vars: Vars = { ...r.params }
  for (const k of ['required', 'granted'] as const) {
    const level = PermissionLevel.safeParse(r.params[k])
    if (level.success) vars[`${k}Text`] = t(`level.${level.data}`)
  }
  return t(callReasonKey(r), vars)
}

/** A reason from an audit row or event (`why`, `whyParams`), when it carries a code this build knows. */
export function parseCallReason(why: unknown, params: unknown): CallReasonInfo | null {
  const code = CallReason.safeParse(why)
  if (!code.success) return null
  const vars: CallReasonInfo['params'] = {}
  if (params && typeof params === 'object')
    for (const [k, v] of Object.entries(params))
      if (typeof v === 'string' || typeof v === 'number') vars[k] = v
  return { why: code.data, params: vars }
}

import type { ErrorCode, ErrorParams } from '../../../shared/errors'
import { ValidationReason } from '../../../shared/models/service'
import { hasKey, translate, type Language, type MessageKey, type Vars } from '../i18n/translate'

/**
 * An error from the core in the UI language. A keyed message (`error.<key>`) is translated with its
 * parameters; a `reason` parameter that is a validation reason becomes its sentence (`{reasonText}`).
 * English shows the core's own sentence (the most precise); without a key other languages say what
 * the code means, so no English sentence reaches a French screen.
 */
export function errorText(
  e: { code: ErrorCode; message: string; key?: string; params?: ErrorParams },
  lang: Language,
): string {
  if (lang === 'en') return e.message
  const vars: Vars = {}
  for (const [k, v] of Object.entries(e.params ?? {}))
    if (typeof v === 'string' || typeof v === 'number') vars[k] = v
  const reason = e.params?.['reason']
  if (typeof reason === 'string' && ValidationReason.safeParse(reason).success) {
    vars['reasonText'] = translate(lang, `validation.${reason as ValidationReason}`, vars)
  }
  const failure = e.params?.['failure']
  if (typeof failure === 'string' && hasKey(`ha.reason.${failure}`)) {
    vars['failureText'] = translate(lang, `ha.reason.${failure}` as MessageKey, vars)
  }
  const key = e.key ? `error.${e.key}` : null
  if (key && hasKey(key)) return translate(lang, key, vars)
  return translate(lang, `errorCode.${e.code}`, vars)
}

/** A validation result in the UI language (English keeps the service's own precise sentence). */
export function validationText(
  v: { outcome: 'valid' | 'invalid' | 'unreachable'; reason: ValidationReason | null; message: string },
  service: string,
  lang: Language,
): string {
  if (lang === 'en') return v.message
  return translate(
    lang,
    v.outcome === 'valid' ? 'validation.valid' : `validation.${v.reason ?? 'unexpected_response'}`,
    {
      service,
    },
  )
}

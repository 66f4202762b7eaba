import type { AuditEntry } from '../../../../shared/models/audit'
import { ErrorCode } from '../../../../shared/errors'
import { hasKey, type Language, type T } from '../../i18n/translate'
import { en } from '../../i18n/en'
import { formatNumber } from '../../lib/format'
import { callReasonText, parseCallReason } from '../../lib/reason-text'

/** An audit action in words ("Client token revoked"); an action this build has no words for reads as its name. */
export function actionLabel(action: string, t: T): string {
  const key = `audit.action.${action}`
  return hasKey(key) ? t(key) : action.replace(/_/g, ' ')
}

/** Every action the UI has words for (the audit.action.* keys), for the filter. */
export const KNOWN_ACTIONS: string[] = Object.keys(en)
  .filter((k) => k.startsWith('audit.action.'))
  .map((k) => k.slice('audit.action.'.length))

/**
 * Why a row was denied or failed, in words: a bridge reason code, an error code (translated), a known
 * reason code, or the core's own sentence (rows written before reasons had codes).
 */
export function reasonText(e: AuditEntry, t: T, lang: Language): string | null {
  const d = e.detail ?? {}
  // A bridge call's reason travels as a code (`why`); its English `reason` is for the CLI.
  const why = parseCallReason(d['why'], d['whyParams'])
  if (why && !(why.why === 'tool_failed' && typeof d['code'] === 'string'))
    return callReasonText(why, t, lang)
  const code = d['code']
  if (typeof code === 'string' && ErrorCode.safeParse(code).success)
    return t(`errorCode.${code as ErrorCode}`)
  const reason = d['reason']
  if (typeof reason === 'string' && reason) {
    const key = `audit.reason.${reason}`
    if (hasKey(key)) return t(key)
    return e.outcome === 'ok' && /^[a-z_-]+$/.test(reason) ? null : reason
  }
  const error = d['error']
  return typeof error === 'string' && e.outcome !== 'ok' ? error : null
}

/** "850 ms", "12,5 s", "1 min 0 s", "2 h 5 min": a duration a person reads at a glance. */
export function formatDuration(ms: number, lang: Language): string {
  if (ms < 1000) return `${formatNumber(Math.round(ms), lang)} ms`
  if (ms < 60_000) {
    const s = Math.round(ms / 100) / 10
    return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(s)} s`
  }
  const totalS = Math.round(ms / 1000)
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${totalS % 60} s`
  const totalMin = Math.round(totalS / 60)
  return `${Math.floor(totalMin / 60)} h ${totalMin % 60} min`
}

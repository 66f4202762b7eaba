import { toErrorShape } from '../../../shared/errors'
import type { AuditActor } from '../../../shared/models/audit'
import type { AuditLog } from '../vault/audit'

/**
 * Records a bridge administration event (token, permission, upstream, start/stop) around the
 * change: `ok` with `detail` when it succeeds, `error` with the error code when it throws (then
 * rethrows). `skip` leaves no row (e.g. "start" while already running changes nothing). Details hold
 * names, counts and codes only, never a value.
 */
export function auditedBy(audit: AuditLog, actor: AuditActor) {
  return async <T>(
    action: string,
    target: string | null,
    run: () => T | Promise<T>,
    skip = false,
    detail: Record<string, unknown> = {},
  ): Promise<T> => {
    try {
      const result = await run()
      if (!skip) audit.record({ actor, action, target, detail: Object.keys(detail).length ? detail : null })
      return result
    } catch (e) {
      if (!skip) {
        audit.record({
          actor,
          action,
          target,
          outcome: 'error',
          detail: { ...detail, code: toErrorShape(e).code },
        })
      }
      throw e
    }
  }
}

import type { Logger } from 'pino'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'

/**
 * Logs upstream state changes: a crash (backoff) as a warning with its reason and restart count, a
 * circuit opened (broken) as an error, coming back as info. Reasons are Keybridge's own sentences
 * (the child's stderr is never read), so nothing the child printed reaches the log.
 */
export function logUpstreamStates(
  list: () => UpstreamSummary[],
  onChange: (listener: () => void) => () => void,
  log: Logger,
): () => void {
  const last = new Map<string, UpstreamSummary['state']>()
  for (const u of list()) last.set(u.id, u.state)
  return onChange(() => {
    for (const u of list()) {
      const before = last.get(u.id)
      if (before === u.state) continue
      last.set(u.id, u.state)
      const fields = {
        upstream: u.name,
        state: u.state,
        from: before ?? null,
        restarts: u.restarts,
        reason: u.lastError,
      }
      if (u.state === 'backoff') log.warn(fields, 'upstream server crashed; restarting')
      else if (u.state === 'broken') log.error(fields, 'upstream server stopped for good')
      else if (u.state === 'running') log.info(fields, 'upstream server running')
      else log.debug(fields, 'upstream server state')
    }
  })
}

import type { HaProbeResult, HaWarning } from '../../../shared/ipc/homeassistant'
import type { Clock } from '../clock'
import { HaError } from './errors'
import { HaRestClient } from './rest-client'
import { checkHaUrl } from './url'

export interface ProbeInput {
  url: string
  token: string
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * The connection probe: GET /api/ (reachability, latency, "API running."), then /api/config
 * (version, location name) and /api/states (entity count). Every figure is read from the server.
 * A failure is a result with its own reason and message, not an exception; an invalid URL throws
 * INVALID_INPUT because nothing was probed.
 */
export async function probeHomeAssistant(input: ProbeInput, clock: Clock): Promise<HaProbeResult> {
  const checked = checkHaUrl(input.url)
  const warnings: HaWarning[] = [...checked.warnings]
  const base = {
    url: checked.url,
    latencyMs: null,
    version: null,
    locationName: null,
    entityCount: null,
    advice: checked.advice,
  }
  const client = new HaRestClient({
    baseUrl: checked.url,
    token: input.token,
    timeoutMs: input.timeoutMs,
    signal: input.signal,
  })
  try {
    const { ms } = await client.ping()
    const config = await client.config()
    const states = await client.states()
    return {
      ...base,
      reachable: true,
      reason: 'ok',
      message: `Connected to ${config.location_name} (Home Assistant ${config.version}) in ${ms} ms with ${states.length} entities.`,
      latencyMs: ms,
      version: config.version,
      locationName: config.location_name,
      entityCount: states.length,
      warnings,
      checkedAt: clock.now(),
    }
  } catch (e) {
    if (!(e instanceof HaError) || e.failure === 'cancelled') throw e
    if (e.failure === 'self_signed') warnings.push({ code: 'self_signed', message: e.message })
    const reason = e.failure === 'not_found' || e.failure === 'bad_request' ? 'http_error' : e.failure
    return { ...base, reachable: false, reason, message: e.message, warnings, checkedAt: clock.now() }
  } finally {
    await client.close()
  }
}

import { Agent, request } from 'undici'
import type { z } from 'zod'
import { classifyNetworkError, HaError } from './errors'
import {
  HaConfig,
  HaHistoryResponse,
  HaServiceCallResponse,
  HaServicesResponse,
  HaState,
  normaliseServices,
  type HaDomainServices,
} from './models'

export const DEFAULT_TIMEOUT_MS = 10_000
/** Large installations send a few MB of states; anything far bigger is not a sane answer. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024

export interface HaClientOptions {
  /** Normalised base URL (see checkHaUrl): no trailing slash, no /api. */
  baseUrl: string
  token: string
  timeoutMs?: number
  signal?: AbortSignal
}

export interface HaResponse {
  status: number
  contentType: string
  text: string
  ms: number
}

/** What the REST API answered a service call with. */
export interface ServiceCallResult {
  changedStates: HaState[]
  serviceResponse?: unknown
}

/**
 * Home Assistant's REST API over undici, with its own Agent (so timeouts and TLS settings are ours,
 * not the process's global dispatcher). The token only ever goes into the Authorization header.
 */
export class HaRestClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  private readonly token: string
  private readonly signal?: AbortSignal
  private readonly agent: Agent

  constructor(o: HaClientOptions) {
    this.baseUrl = o.baseUrl
    this.token = o.token
    this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.signal = o.signal
    this.agent = new Agent({
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
      connections: 4,
    })
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined)
  }

  /** One request; network failures become HaError, HTTP statuses are left to the caller. */
  async send(method: 'GET' | 'POST', path: string, body?: string): Promise<HaResponse> {
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout
    const started = performance.now()
    try {
      const res = await request(this.baseUrl + path, {
        method,
        dispatcher: this.agent,
        signal,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body,
      })
      const text = await res.body.text()
      const ct = res.headers['content-type']
      return {
        status: res.statusCode,
        contentType: (Array.isArray(ct) ? ct[0] : ct) ?? '',
        text,
        ms: Math.round(performance.now() - started),
      }
    } catch (e) {
      throw classifyNetworkError(e, this.baseUrl, this.timeoutMs, this.signal?.aborted === true)
    }
  }

  /** A JSON answer checked against its schema; 401, 404 and 400 become their own HaError. */
  async json<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: string,
  ): Promise<z.output<S>> {
    const res = await this.send(method, path, body)
    if (res.status === 401) throw this.badToken()
    const message = messageOf(res.text)
    if (res.status === 404) {
      throw new HaError('not_found', message ?? `Home Assistant has no ${path.split('?')[0]}.`, 404)
    }
    if (res.status === 400) {
      throw new HaError(
        'bad_request',
        `Home Assistant refused the request: ${message ?? firstLine(res.text)}`,
        400,
      )
    }
    if (res.status < 200 || res.status >= 300) {
      throw new HaError(
        'http_error',
        `Home Assistant answered ${path.split('?')[0]} with HTTP ${res.status}${message ? `: ${message}` : ''}.`,
        res.status,
      )
    }
    let data: unknown
    try {
      data = JSON.parse(res.text)
    } catch {
      throw new HaError(
        'not_home_assistant',
        `${this.baseUrl}${path.split('?')[0]} did not answer with JSON.`,
        res.status,
      )
    }
    const parsed = schema.safeParse(data)
    if (!parsed.success) {
      throw new HaError(
        'not_home_assistant',
        `${this.baseUrl}${path.split('?')[0]} answered, but not in the shape Home Assistant uses.`,
        res.status,
      )
    }
    return parsed.data
  }

  /** GET /api/ → {"message":"API running."}; anything else means this is not Home Assistant's API. */
  async ping(): Promise<{ ms: number }> {
    const res = await this.send('GET', '/api/')
    if (res.status === 401) throw this.badToken()
    if (res.status === 200 && messageOf(res.text) === 'API running.') return { ms: res.ms }
    const what =
      res.status === 200
        ? `answered ${describeBody(res)} instead of {"message": "API running."}`
        : `answered HTTP ${res.status} instead of {"message": "API running."}`
    throw new HaError(
      'not_home_assistant',
      `${this.baseUrl} is not a Home Assistant API: GET /api/ ${what}. Check the address and port (Home Assistant listens on 8123 by default).`,
      res.status,
    )
  }

  config(): Promise<HaConfig> {
    return this.json('GET', '/api/config', HaConfig)
  }

  states(): Promise<HaState[]> {
    return this.json('GET', '/api/states', HaState.array())
  }

  async state(entityId: string): Promise<HaState> {
    try {
      return await this.json('GET', `/api/states/${encodeURIComponent(entityId)}`, HaState)
    } catch (e) {
      if (e instanceof HaError && e.failure === 'not_found') {
        throw new HaError('not_found', `Home Assistant has no entity ${entityId}.`, 404)
      }
      throw e
    }
  }

  async services(): Promise<HaDomainServices[]> {
    return normaliseServices(await this.json('GET', '/api/services', HaServicesResponse))
  }

  /** POST /api/services/<domain>/<service>; with returnResponse the answer carries service_response. */
  async callService(
    domain: string,
    service: string,
    data: Record<string, unknown> = {},
    opts: { returnResponse?: boolean } = {},
  ): Promise<ServiceCallResult> {
    const path = `/api/services/${encodeURIComponent(domain)}/${encodeURIComponent(service)}${opts.returnResponse ? '?return_response' : ''}`
    const body = JSON.stringify(data)
    if (opts.returnResponse) {
      const r = await this.json('POST', path, HaServiceCallResponse, body)
      return { changedStates: r.changed_states, serviceResponse: r.service_response }
    }
    return { changedStates: await this.json('POST', path, HaState.array(), body) }
  }

  /** GET /api/history/period/<start>: one list of states per entity. */
  history(
    start: Date,
    opts: { entityIds: string[]; end?: Date; minimal?: boolean },
  ): Promise<z.infer<typeof HaHistoryResponse>> {
    const q = new URLSearchParams({ filter_entity_id: opts.entityIds.join(',') })
    if (opts.end) q.set('end_time', opts.end.toISOString())
    let query = q.toString()
    if (opts.minimal) query += '&minimal_response'
    return this.json(
      'GET',
      `/api/history/period/${encodeURIComponent(start.toISOString())}?${query}`,
      HaHistoryResponse,
    )
  }

  private badToken(): HaError {
    return new HaError(
      'bad_token',
      `Home Assistant at ${this.baseUrl} refused the access token (401 Unauthorized). Create a long-lived access token on your Home Assistant profile page and paste it whole.`,
      401,
    )
  }
}

/** Home Assistant's JSON error bodies are {"message": "..."}. */
function messageOf(text: string): string | null {
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
      return (v as { message: string }).message
    }
  } catch {
    // not JSON
  }
  return null
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 120) || 'no details'
}

function describeBody(res: HaResponse): string {
  if (/html/i.test(res.contentType) || /^\s*<(!doctype|html)/i.test(res.text)) return 'with an HTML page'
  if (/json/i.test(res.contentType)) return 'with different JSON'
  return `with ${res.contentType || 'an unknown kind of content'}`
}

import { AppError } from '../../../shared/errors'
import type { HaInstance, HaProbeResult } from '../../../shared/ipc/homeassistant'
import type { AuditActor } from '../../../shared/models/audit'
import type { CoreContext } from '../context'
import { HaError, type HaFailure } from './errors'
import { domainOf } from './models'
import { probeHomeAssistant } from './probe'
import { HaRestClient } from './rest-client'
import { HaInstanceStore } from './store'
import { checkHaUrl } from './url'

export interface AddInstance {
  name: string
  url: string
  token: string
  allowedDomains: string[]
  validate: boolean
  timeoutMs?: number
}

export interface UpdateInstance {
  id: string
  name?: string
  url?: string
  token?: string
  allowedDomains?: string[]
  validate: boolean
  timeoutMs?: number
}

export interface Saved {
  instance: HaInstance
  probe: HaProbeResult | null
}

function uniqueSorted(xs: string[]): string[] {
  return [...new Set(xs)].sort()
}

/** A failed probe as the error that refuses a save. */
function refusal(probe: HaProbeResult): HaError {
  const failure: HaFailure = probe.reason === 'ok' ? 'http_error' : probe.reason
  return new HaError(failure, `Not saved: ${probe.message}`)
}

/** The Home Assistant use cases behind the IPC channels (and so the CLI): add, edit, probe, domains. */
export class HomeAssistantService {
  readonly store: HaInstanceStore

  constructor(
    private readonly ctx: CoreContext,
    store?: HaInstanceStore,
  ) {
    this.store = store ?? new HaInstanceStore(ctx)
  }

  async add(input: AddInstance, actor: AuditActor): Promise<Saved> {
    this.ctx.keyring.require()
    const checked = checkHaUrl(input.url)
    let probe: HaProbeResult | null = null
    if (input.validate) {
      probe = await this.test({ url: checked.url, token: input.token, timeoutMs: input.timeoutMs })
      if (!probe.reachable) throw refusal(probe)
    }
    const instance = this.store.create(
      {
        name: input.name,
        url: checked.url,
        token: input.token,
        allowedDomains: uniqueSorted(input.allowedDomains),
        lastProbe: probe,
      },
      actor,
    )
    return { instance, probe }
  }

  async update(input: UpdateInstance, actor: AuditActor): Promise<Saved> {
    const before = this.store.get(input.id)
    const url = input.url !== undefined ? checkHaUrl(input.url).url : undefined
    const token = input.token ? input.token : undefined
    if (token !== undefined) this.ctx.keyring.require()
    const connectionChanged = (url !== undefined && url !== before.url) || token !== undefined
    let probe: HaProbeResult | null = null
    if (input.validate && connectionChanged) {
      probe = await this.test({
        url: url ?? before.url,
        token: token ?? this.store.readToken(before.id),
        timeoutMs: input.timeoutMs,
      })
      if (!probe.reachable) throw refusal(probe)
    }
    const instance = this.store.update(
      input.id,
      {
        name: input.name,
        url,
        token,
        allowedDomains: input.allowedDomains ? uniqueSorted(input.allowedDomains) : undefined,
        // A changed connection makes the old probe meaningless.
        ...(probe ? { lastProbe: probe } : connectionChanged ? { lastProbe: null } : {}),
      },
      actor,
    )
    return { instance, probe }
  }

  remove(id: string, actor: AuditActor): void {
    this.store.delete(id, actor)
  }

  /** Probes a connection that is not stored (the add form's "Test connection"). */
  test(input: { url: string; token: string; timeoutMs?: number }): Promise<HaProbeResult> {
    return probeHomeAssistant(input, this.ctx.clock)
  }

  /** Probes a stored instance and remembers the result. */
  async probe(id: string, actor: AuditActor, timeoutMs?: number): Promise<HaProbeResult> {
    const inst = this.store.get(id)
    const result = await this.test({ url: inst.url, token: this.store.readToken(id), timeoutMs })
    this.store.recordProbe(id, result, actor)
    return result
  }

  /** A REST client for a stored instance; the caller closes it. */
  client(id: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): HaRestClient {
    const inst = this.store.get(id)
    return new HaRestClient({ baseUrl: inst.url, token: this.store.readToken(id), ...opts })
  }

  /** Domains seen on an instance: those with entities and those with services, with counts. */
  async domains(id: string): Promise<{ domain: string; entityCount: number; services: string[] }[]> {
    const client = this.client(id)
    try {
      const [states, services] = await Promise.all([client.states(), client.services()])
      const counts = new Map<string, number>()
      for (const s of states) counts.set(domainOf(s.entity_id), (counts.get(domainOf(s.entity_id)) ?? 0) + 1)
      const byDomain = new Map(services.map((d) => [d.domain, Object.keys(d.services).sort()]))
      return uniqueSorted([...counts.keys(), ...byDomain.keys()]).map((domain) => ({
        domain,
        entityCount: counts.get(domain) ?? 0,
        services: byDomain.get(domain) ?? [],
      }))
    } catch (e) {
      if (e instanceof AppError) throw e
      throw new HaError('http_error', 'Home Assistant could not list its domains.')
    } finally {
      await client.close()
    }
  }
}

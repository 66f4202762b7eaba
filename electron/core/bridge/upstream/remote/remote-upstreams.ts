import { randomUUID } from 'node:crypto'
import { AppError } from '../../../../../shared/errors'
import type { RemoteUpstreamInfo } from '../../../../../shared/ipc/bridge'
import type { RemoteUpstreamInput } from '../../../../../shared/ipc/bridgeRemote'
import type { UpstreamConfig, UpstreamStore } from '../store'
import type { UpstreamEndpoint } from '../connection'
import { VaultGrantStorage, type GrantStorage } from './grant-store'
import { SignInRequired, VaultOAuthProvider } from './oauth-provider'
import { startSignIn, type SignInFlow } from './sign-in'
import { appFailure } from '../failure'
import { createRemoteTransport, isSessionEnded, remoteFailure } from './transport'
import { checkRemoteUrl } from './url-policy'

/** `{{homeassistant:Instance name}}`: that instance's long-lived token, read at connect time. */
export const HA_TEMPLATE = /\{\{\s*homeassistant:([^}]+?)\s*\}\}/g

export interface RemoteDeps {
  store: UpstreamStore
  /** Opens a value's `{{credential:…}}` references from the vault (audited as the upstream's use). */
  resolve(config: UpstreamConfig, raw: Record<string, string>): Record<string, string>
  grants(upstreamId: string): GrantStorage
  /** An https URL where the user hosts Keybridge's Client ID Metadata Document (rarely set). */
  clientMetadataUrl?: string
  /** A Home Assistant instance's token by instance name. */
  haToken?(instance: string): string
  /** Tokens changed (stored by a sign-in or a refresh, here or in another process): redact them. */
  secretsChanged?(): void
  /** A needs-sign-in notification (desktop) and core event. */
  signInNeeded?(upstream: string, stepUp: boolean): void
}

interface Flow {
  id: string
  upstream: string
  state: 'pending' | 'done' | 'failed'
  message: string | null
  flow: SignInFlow
}

/**
 * Remote (URL) upstreams: validation at add time, the transport and OAuth provider for each
 * connection, status for lists, sign-in flows. The upstream connection itself stays
 * transport-agnostic (connection.ts): this module hands it a transport factory.
 */
export class RemoteUpstreams {
  private flows = new Map<string, Flow>()
  /** Upstreams already notified as needing sign-in (one notification per episode). */
  private notified = new Set<string>()

  constructor(private readonly d: RemoteDeps) {}

  add(input: RemoteUpstreamInput, checkReference: (value: string) => void): UpstreamConfig {
    const url = checkRemoteUrl(input.url, { allowHttp: input.allowHttp })
    for (const v of Object.values(input.headers)) checkReference(v)
    if (input.clientSecret && !input.clientId) {
      throw new AppError('INVALID_INPUT', 'A client secret needs its client id (--client-id).')
    }
    const config = this.d.store.addRemote({
      name: input.name,
      url: url.href,
      transport: input.transport,
      headers: input.headers,
      allowHttp: input.allowHttp,
      enabled: input.enabled,
    })
    if (input.clientId) {
      this.d.grants(config.id).saveClient({
        client_id: input.clientId,
        ...(input.clientSecret ? { client_secret: input.clientSecret } : {}),
        registration: 'pre-registered',
      })
    }
    return config
  }

  /** The resolved headers, at connect time only. */
  headers(config: UpstreamConfig): Record<string, string> {
    // Headers go only where Keybridge stored them to go: the row verified (its MAC), same URL.
    const stored = this.d.store.verified(config.id)
    if (stored.url !== config.url || stored.transport !== config.transport) {
      throw new AppError('CONFLICT', `The remote server "${config.name}" changed: restart it.`)
    }
    const raw = this.d.store.openHeaders(config.id)
    const withHa: Record<string, string> = {}
    for (const [k, v] of Object.entries(raw)) {
      withHa[k] = v.replace(HA_TEMPLATE, (_m, name: string) => {
        if (!this.d.haToken)
          throw new AppError('UNSUPPORTED', 'Home Assistant tokens are not available here.')
        return this.d.haToken(name)
      })
    }
    return this.d.resolve(config, withHa)
  }

  /** How the upstream connection reaches this server (connection.ts stays transport-agnostic). */
  endpoint(config: UpstreamConfig): UpstreamEndpoint {
    const url = checkRemoteUrl(config.url ?? '', { allowHttp: config.allowHttp })
    const kind = config.transport ?? 'streamable-http'
    return {
      open: (_env, lost) =>
        createRemoteTransport({
          url,
          transport: kind,
          headers: this.headers(config),
          authProvider: new VaultOAuthProvider({
            upstream: config.name,
            storage: this.d.grants(config.id),
            mode: 'background',
            clientMetadataUrl: this.d.clientMetadataUrl,
          }),
          onLost: lost,
        }),
      needsSignIn: (e) => {
        if (!(e instanceof SignInRequired)) return false
        if (!this.notified.has(config.name)) this.d.signInNeeded?.(config.name, e.stepUp)
        this.notified.add(config.name)
        return !e.stepUp
      },
      retryCall: (e) => isSessionEnded(e, kind),
      describeFailure: (e) =>
        e instanceof SignInRequired
          ? { ...remoteFailure(e), message: e.message }
          : e instanceof AppError
            ? appFailure('error', e, e.message)
            : remoteFailure(e),
    }
  }

  info(config: UpstreamConfig): RemoteUpstreamInfo {
    let grant = { status: 'none' as const, scope: null, wantedScope: null, expiresAt: null } as ReturnType<
      GrantStorage['summary']
    >
    try {
      grant = this.d.grants(config.id).summary()
    } catch {
      // No grant row yet.
    }
    return {
      url: config.url ?? '',
      transport: config.transport ?? 'streamable-http',
      headers: config.headerKeys,
      auth: grant.status,
      grantExpiresAt: grant.expiresAt,
      scope: grant.scope,
      lanAllowed: config.allowHttp,
    }
  }

  /** Literal header values, tokens and the client secret: every one is redacted from results. */
  secretValues(config: UpstreamConfig): string[] {
    const out: string[] = []
    for (const v of Object.values(this.d.store.openHeaders(config.id))) {
      const literal = v.replace(/\{\{[^}]*\}\}/g, '\u0000').split('\u0000')
      for (const part of literal) {
        const bare = part.replace(/^\s*Bearer\s+/i, '').trim()
        if (bare.length >= 8) out.push(bare)
      }
    }
    const g = this.d.grants(config.id)
    const t = g.tokens()
    if (t?.access_token) out.push(t.access_token)
    if (t?.refresh_token) out.push(t.refresh_token)
    const c = g.client() as { client_secret?: string } | undefined
    if (c?.client_secret) out.push(c.client_secret)
    return out
  }

  /** Starts an interactive sign-in; the caller opens `authorizeUrl` (browser or BROWSER). */
  async startSignIn(config: UpstreamConfig, timeoutMs?: number): Promise<{ id: string; flow: SignInFlow }> {
    if (config.kind !== 'remote') {
      throw new AppError(
        'INVALID_INPUT',
        `"${config.name}" is a local (stdio) server: there is nothing to sign in to.`,
      )
    }
    const flow = await startSignIn(
      {
        upstream: config.name,
        url: checkRemoteUrl(config.url ?? '', { allowHttp: config.allowHttp }),
        transport: config.transport ?? 'streamable-http',
        headers: this.headers(config),
        storage: this.d.grants(config.id),
        clientMetadataUrl: this.d.clientMetadataUrl,
      },
      timeoutMs,
    )
    const id = randomUUID()
    const entry: Flow = { id, upstream: config.name, state: 'pending', message: null, flow }
    this.flows.set(id, entry)
    flow.done.then(
      () => {
        this.notified.delete(config.name)
        entry.state = 'done'
        entry.message = `Signed in to "${config.name}".`
      },
      (e: unknown) => {
        entry.state = 'failed'
        entry.message = e instanceof AppError ? e.message : 'The sign-in failed.'
      },
    )
    // Keep the last few finished flows for status polls.
    if (this.flows.size > 20) this.flows.delete(this.flows.keys().next().value!)
    return { id, flow }
  }

  /** A sign-in completed elsewhere (another process): notify again next time. */
  signedIn(name: string): void {
    this.notified.delete(name)
  }

  flowStatus(id: string): { flowId: string; state: Flow['state']; message: string | null } {
    const f = this.flows.get(id)
    if (!f) throw new AppError('NOT_FOUND', 'No such sign-in.')
    return { flowId: id, state: f.state, message: f.message }
  }

  cancelAll(): void {
    for (const f of this.flows.values()) if (f.state === 'pending') f.flow.cancel()
  }
}

export { VaultGrantStorage }

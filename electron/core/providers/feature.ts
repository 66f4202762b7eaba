import { credentialRef } from '../../../shared/models/credential'
import type { servicesChannels } from '../../../shared/ipc/services'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { listServiceDescriptors } from './catalog'
import { CredentialService } from './credential-service'
import { ProviderHttp } from './http'
import { OAuthClient } from './oauth/client'
import { OAuthFlows } from './oauth/flows'
import { TokenRefresher } from './oauth/refresher'
import { ProvidersScheduler } from './scheduler'
import { Validator } from './validator'

/** The services feature's parts, exposed for the CLI, the bridge and tests. */
export interface ProvidersParts {
  http: ProviderHttp
  validator: Validator
  credentials: CredentialService
  flows: OAuthFlows
  refresher: TokenRefresher
  scheduler: ProvidersScheduler
}

const parts = new WeakMap<CoreContext, ProvidersParts>()

/** The running feature's parts for a core (undefined before createCore wired it). */
export function providersOf(ctx: CoreContext): ProvidersParts | undefined {
  return parts.get(ctx)
}

/** Catalog, validation before save, revalidation, OAuth connections, token refresh, schedules. */
export function createProvidersFeature(ctx: CoreContext): Feature<HandlerMap<typeof servicesChannels>> {
  // KEYBRIDGE_HTTP_TIMEOUT_MS: provider call deadline (default 10 s), e.g. for slow proxies.
  const timeoutMs = Number(ctx.env['KEYBRIDGE_HTTP_TIMEOUT_MS']) || undefined
  const http = new ProviderHttp({ timeoutMs })
  const validator = new Validator({
    http,
    clock: ctx.clock,
    env: ctx.env,
    userAgent: `Keybridge/${ctx.version}`,
  })
  const credentials = new CredentialService(ctx, validator)
  const oauthClient = new OAuthClient({ dispatcher: http.dispatcher, now: () => ctx.clock.now(), timeoutMs })
  const flows = new OAuthFlows(ctx, oauthClient, validator)
  const refresher = new TokenRefresher(ctx, oauthClient)
  credentials.refresher = refresher
  const scheduler = new ProvidersScheduler(ctx, credentials)
  parts.set(ctx, { http, validator, credentials, flows, refresher, scheduler })

  return {
    handlers: {
      'services.list': () => [...listServiceDescriptors()],
      'credentials.test': (input) => credentials.test(input.service, input.fields),
      'credentials.create': (input, call) => credentials.create(input, call.actor),
      'credentials.update': (input, call) => credentials.update(input, call.actor),
      'credentials.revalidate': async (input, call) => {
        const results =
          'id' in input
            ? [await credentials.revalidate(input.id, call.actor)]
            : await credentials.revalidateAll(call.actor)
        return {
          results: results.map((r) => ({
            id: r.credential.id,
            ref: credentialRef(r.credential),
            status: r.credential.status,
            validation: r.validation,
          })),
        }
      },
      'services.oauthStart': (input, call) => flows.startAuthorizationCode(input, call.actor),
      'services.oauthStartDevice': (input, call) => flows.startDevice(input, call.actor),
      'services.oauthStatus': (input) => flows.status(input.flowId),
      'services.oauthCancel': (input) => {
        flows.cancel(input.flowId)
        return { ok: true as const }
      },
    },
    start() {
      refresher.start()
      scheduler.start()
    },
    async stop() {
      // Timers first, so nothing new starts; then let work under way store its result while the
      // vault is still open (a rotated refresh token must not be lost), and only then return.
      scheduler.stop()
      refresher.stop()
      flows.stopAll()
      await http.close()
      await Promise.all([scheduler.idle(), refresher.idle()])
    },
  }
}

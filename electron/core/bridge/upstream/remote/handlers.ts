import { AppError } from '../../../../../shared/errors'
import type { bridgeRemoteChannels } from '../../../../../shared/ipc/bridgeRemote'
import type { CoreContext } from '../../../context'
import { HaInstanceStore } from '../../../homeassistant/store'
import type { HandlerMap } from '../../../ipc/handlers'
import type { BridgeService } from '../../service'
import { probeRemote } from './probe'
import { checkRemoteUrl } from './url-policy'
import { resolveTemplate } from '../env-template'

/** The IPC handlers of remote upstreams (#18), spread into the bridge feature's. */
export function remoteUpstreamHandlers(
  ctx: CoreContext,
  bridge: BridgeService,
): HandlerMap<typeof bridgeRemoteChannels> {
  const upstreams = bridge.upstreams
  return {
    'bridge.upstream.addRemote': (input) => {
      const s = upstreams.addRemote(input)
      bridge.redactor.refresh()
      return s
    },
    'bridge.upstream.signIn': async ({ name }) => {
      const config = upstreams.store.require(name)
      const { id, flow } = await upstreams.remote.startSignIn(config)
      flow.done.then(
        () => void upstreams.signedIn(name).then(() => bridge.redactor.refresh()),
        () => {},
      )
      return { flowId: id, authorizeUrl: flow.authorizeUrl, expiresAt: flow.expiresAt }
    },
    'bridge.upstream.signInStatus': ({ flowId }) => upstreams.remote.flowStatus(flowId),
    'bridge.upstream.probe': async (input) => {
      const url = checkRemoteUrl(input.url, { allowHttp: input.allowHttp })
      // A header may name a vault secret: opened for this one connection only.
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(input.headers)) {
        headers[k] = resolveTemplate(v, (r) => {
          const c = ctx.credentials.findByRef(r.ref)
          const secrets = ctx.credentials.readSecrets(c.id, {
            actor: 'ui',
            actorName: 'probe',
            action: 'used',
          })
          const value = secrets[r.field] ?? c.fields[r.field]
          if (value === undefined)
            throw new AppError('NOT_FOUND', `${c.service}/${c.name} has no field "${r.field}".`)
          return value
        })
      }
      // The desktop cannot wait on a browser inside one IPC call: it probes servers without OAuth.
      return probeRemote({ url, transport: input.transport, headers })
    },
    'bridge.upstream.addHomeAssistant': ({ instance, name }) => {
      const ha = new HaInstanceStore(ctx).findByName(instance)
      const s = upstreams.addRemote({
        name: name ?? `${ha.slug}_mcp`.replace(/_/g, '-').slice(0, 40),
        url: `${ha.url.replace(/\/+$/, '')}/api/mcp`,
        transport: 'streamable-http',
        headers: { Authorization: `Bearer {{homeassistant:${ha.name}}}` },
        allowHttp: ha.url.startsWith('http:'),
        enabled: true,
      })
      bridge.redactor.refresh()
      return s
    },
  }
}

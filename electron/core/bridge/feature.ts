import { isAppError } from '../../../shared/errors'
import type { bridgeChannels } from '../../../shared/ipc/bridge'
import type { CoreContext, Feature } from '../context'
import type { HandlerMap } from '../ipc/handlers'
import { BridgeService } from './service'
import type { bridgeRemoteChannels } from '../../../shared/ipc/bridgeRemote'
import { remoteUpstreamHandlers } from './upstream/remote/handlers'

const services = new WeakMap<CoreContext, BridgeService>()

/** The bridge of a core, for the headless `serve` command and tests (the UI goes through IPC). */
export function getBridge(ctx: CoreContext): BridgeService {
  const s = services.get(ctx)
  if (!s) throw new Error('The bridge feature is not part of this core.')
  return s
}

export function createBridgeFeature(
  ctx: CoreContext,
): Feature<HandlerMap<typeof bridgeChannels & typeof bridgeRemoteChannels>> {
  const bridge = new BridgeService(ctx)
  services.set(ctx, bridge)
  return {
    handlers: {
      'bridge.status': () => bridge.statusWithTools(),
      'bridge.start': async () => {
        await bridge.start({ approvalMode: 'ask' })
        return bridge.statusWithTools()
      },
      'bridge.stop': async () => {
        await bridge.stop()
        return bridge.statusWithTools()
      },
      'bridge.config.get': () => bridge.config(),
      'bridge.config.set': (patch) => bridge.setConfig(patch),
      'bridge.tokens.create': (input) => bridge.tokens.create(input),
      'bridge.tokens.list': () => bridge.tokensWithCounts(),
      'bridge.tokens.revoke': ({ name }) => bridge.revokeToken(name),
      'bridge.tools.list': () => bridge.toolInfos(),
      'bridge.tools.set': ({ tool, level, ask }) => bridge.setTool(tool, level, ask),
      'bridge.tools.setBulk': ({ source, level, ask }) => bridge.setBulk(source, level, ask),
      'bridge.upstream.add': (input) => {
        const s = bridge.upstreams.add(input)
        bridge.redactor.refresh()
        return s
      },
      'bridge.upstream.list': () => bridge.upstreams.list(),
      'bridge.upstream.remove': async ({ name }) => {
        await bridge.upstreams.remove(name)
        return { ok: true as const }
      },
      'bridge.upstream.restart': ({ name }) => bridge.upstreams.restart(name),
      'bridge.upstream.setEnabled': ({ name, enabled }) => bridge.upstreams.setEnabled(name, enabled),
      'bridge.upstream.status': ({ name }) => bridge.upstreams.status(name),
      'bridge.expose': async ({ host }) => {
        await bridge.expose(host)
        return bridge.statusWithTools()
      },
      'bridge.upstream.trust': ({ name, trusted }, call) => bridge.trustUpstream(name, trusted, call.actor),
      'bridge.approvals.pending': () => bridge.approvals.list(),
      'bridge.approve': ({ id, decision }) => {
        bridge.decide(id, decision)
        return { ok: true as const }
      },
      'bridge.clientConfig': ({ client, tokenName, token }) =>
        bridge.clientConfigChecked(client, tokenName, token),
      // #18: remote upstreams (add by URL, sign in, probe, Home Assistant's MCP server).
      ...remoteUpstreamHandlers(ctx, bridge),
    },
    async start() {
      // Only the desktop app starts the bridge by itself: a CLI command opening the same vault must not.
      if (ctx.options.runtime === 'electron' && bridge.config().enabled) {
        await bridge.start({ approvalMode: 'ask' }).catch((e) => {
          console.error(`[keybridge] the bridge did not start: ${(e as Error)?.name ?? 'error'}`)
          // A taken port may be a squatter collecting tokens: say so where the user sees it.
          if (isAppError(e))
            ctx.options.notify?.({
              title: 'Keybridge: the bridge did not start',
              body: e.message,
              kind: 'bridge',
            })
        })
      }
    },
    async stop() {
      await bridge.stop()
    },
  }
}

import { isAppError } from '../../../shared/errors'
import type { bridgeChannels } from '../../../shared/ipc/bridge'
import type { usageChannels } from '../../../shared/ipc/usage'
import type { playgroundChannels } from '../../../shared/ipc/playground'
import { playgroundCall, playgroundTools } from './playground'
import type { CoreContext, Feature } from '../context'
import type { CallContext, HandlerMap } from '../ipc/handlers'
import { auditedBy } from './audit-events'
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
): Feature<
  HandlerMap<
    typeof bridgeChannels & typeof usageChannels & typeof bridgeRemoteChannels & typeof playgroundChannels
  >
> {
  const bridge = new BridgeService(ctx)
  services.set(ctx, bridge)
  const audited = (call: CallContext) => auditedBy(ctx.audit, call.actor)
  return {
    handlers: {
      'bridge.status': () => bridge.statusWithTools(),
      'bridge.start': async (_input, call) => {
        const was = bridge.running
        await audited(call)('bridge_started', null, () => bridge.start({ approvalMode: 'ask' }), was)
        return bridge.statusWithTools()
      },
      'bridge.stop': async (_input, call) => {
        const was = bridge.running
        await audited(call)('bridge_stopped', null, () => bridge.stop(), !was)
        return bridge.statusWithTools()
      },
      'bridge.config.get': () => bridge.config(),
      'bridge.config.set': (patch, call) =>
        audited(call)('bridge_config_changed', null, () => bridge.setConfig(patch), false, {
          changed: Object.keys(patch),
        }),
      'bridge.tokens.create': (input, call) =>
        audited(call)('token_created', `token/${input.name}`, () => bridge.tokens.create(input), false, {
          scopes: input.scopes.length,
          expiresInDays: input.expiresInDays ?? null,
        }),
      'bridge.tokens.list': () => bridge.tokensWithCounts(),
      'bridge.tokens.revoke': ({ name }, call) =>
        audited(call)('token_revoked', `token/${name}`, () => bridge.revokeToken(name)),
      'bridge.tokens.update': ({ name, ...patch }, call) => bridge.updateToken(name, patch, call.actor),
      'usage.token': ({ name, days }) => bridge.tokenUsage(name, days),
      'usage.tokens': ({ days, topTools }) => bridge.tokensUsage(days, topTools),
      'usage.dashboard': ({ days }) => bridge.dashboardUsage(days),
      'bridge.tools.list': () => bridge.toolInfos(),
      'bridge.tools.set': ({ tool, level, ask }, call) =>
        audited(call)('permission_changed', `tool/${tool}`, () => bridge.setTool(tool, level, ask), false, {
          level,
          ask: ask ?? null,
        }),
      'bridge.tools.setBulk': ({ source, level, ask }, call) =>
        audited(call)(
          'permission_changed',
          `source/${source}`,
          () => bridge.setBulk(source, level, ask),
          false,
          {
            level,
            ask: ask ?? null,
          },
        ),
      'bridge.upstream.add': (input, call) =>
        audited(call)(
          'upstream_added',
          `upstream/${input.name}`,
          () => {
            const s = bridge.upstreams.add(input)
            bridge.redactor.refresh()
            return s
          },
          false,
          { command: input.command, envKeys: Object.keys(input.env) },
        ),
      'bridge.upstream.list': () => bridge.upstreams.list(),
      'bridge.upstream.remove': ({ name }, call) =>
        audited(call)('upstream_removed', `upstream/${name}`, async () => {
          await bridge.upstreams.remove(name)
          return { ok: true as const }
        }),
      'bridge.upstream.restart': ({ name }, call) =>
        audited(call)('upstream_restarted', `upstream/${name}`, () => bridge.upstreams.restart(name)),
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
      'bridge.sessions': () => bridge.connectedSessions(),
      'bridge.playground.tools': ({ tokenName }) => playgroundTools(bridge, tokenName),
      'bridge.playground.call': (input, call) => playgroundCall(bridge, call.actor, input),
      'bridge.clientConfig': async ({ client, tokenName, token }, call) => {
        const existed = bridge.tokens.list().some((t) => t.name.toLowerCase() === tokenName.toLowerCase())
        const r = await bridge.clientConfigChecked(client, tokenName, token)
        if (r.minted) {
          ctx.audit.record({
            actor: call.actor,
            action: existed ? 'token_rotated' : 'token_created',
            target: `token/${r.summary.name}`,
            detail: { for: client },
          })
        }
        return r
      },
      // #18: remote upstreams (add by URL, sign in, probe, Home Assistant's MCP server).
      ...remoteUpstreamHandlers(ctx, bridge),
    },
    async start() {
      // Only the desktop app starts the bridge by itself: a CLI command opening the same vault must not.
      if (ctx.options.runtime === 'electron' && bridge.config().enabled) {
        await bridge.start({ approvalMode: 'ask' }).catch((e) => {
          ctx.log.error(
            { err: e, code: (e as { code?: string })?.code ?? 'INTERNAL' },
            'the bridge did not start',
          )
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

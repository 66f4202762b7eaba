import { arch, platform, release } from 'node:os'
import { readConfig } from '../bridge/config'
import { getBridge } from '../bridge/feature'
import type { CoreContext } from '../context'
import { DesktopSettingsStore } from '../settings/desktop-settings'
import { retentionDays } from '../vault/audit-retention'
import { readLogConfig } from './config'

/**
 * What a bug report needs and nothing secret: versions, the non-secret settings, the state of the
 * bridge and its upstreams (names and states, never their environment), counts, and the last error
 * lines of the log (already scrubbed when they were written). Every part is optional: a failing one
 * is reported as such instead of failing the bundle.
 */
export function diagnostics(ctx: CoreContext): Record<string, unknown> {
  const part = (f: () => unknown) => {
    try {
      return f()
    } catch (e) {
      return { unavailable: (e as Error)?.name ?? 'error' }
    }
  }
  const sqlite = part(() => (ctx.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v)
  return {
    generatedAt: new Date(ctx.clock.now()).toISOString(),
    versions: {
      keybridge: ctx.version,
      node: process.versions.node,
      electron: process.versions['electron'] ?? null,
      chrome: process.versions['chrome'] ?? null,
      v8: process.versions.v8,
      sqlite,
    },
    system: { platform: platform(), arch: arch(), release: release(), runtime: ctx.options.runtime },
    vault: part(() => {
      const s = ctx.vault.status()
      return {
        initialized: s.initialized,
        locked: s.locked,
        protectors: s.protectors,
        autoLockMinutes: s.autoLockMinutes,
      }
    }),
    settings: {
      bridge: part(() => readConfig(ctx.settings)),
      log: part(() => readLogConfig(ctx.settings, ctx.env)),
      auditRetentionDays: part(() => retentionDays(ctx)),
      desktop: part(() => new DesktopSettingsStore(ctx.settings, ctx.events).get()),
    },
    bridge: part(() => {
      const b = getBridge(ctx)
      const st = b.status()
      return {
        running: st.running,
        host: st.host,
        port: st.port,
        sessions: st.sessions,
        approvalMode: st.approvalMode,
        tokens: b.tokens.list().length,
        upstreams: b.upstreams.list().map((u) => ({
          name: u.name,
          state: u.state,
          restarts: u.restarts,
          lastError: u.lastError,
        })),
      }
    }),
    credentials: part(() => ctx.credentials.stats()),
    logFolder: ctx.logs.dir,
    recentErrors: ctx.logs.recentErrors(),
  }
}

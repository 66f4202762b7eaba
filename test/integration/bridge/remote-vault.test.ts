import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import { makeCore, TEST_PASSWORD, tempDir } from '../../helpers/core'
import { startBridge } from './support'

const HEADER = 'Bearer remote-header-secret-0123456789'
const TOKEN = 'CANARY_AT_backup_0123456789abcdef'

/** A remote upstream's sealed headers and OAuth grant survive key rotation and a backup round trip. */
describe('remote upstream secrets in the vault', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  const files = tempDir('kb-remote-backup-')
  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
    const r = await env.core.invoke('bridge.upstream.addRemote', {
      name: 'svc',
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: HEADER },
      enabled: false,
    })
    expect(r.ok).toBe(true)
    const id = (r as { data: UpstreamSummary }).data.id
    const g = env.bridge.upstreams.store.grantStorage(id)
    g.saveClient({ client_id: 'c1', registration: 'dynamic' })
    g.saveTokens({ access_token: TOKEN, token_type: 'Bearer', refresh_token: TOKEN + '_r', expires_in: 60 })
  })
  afterAll(async () => {
    await env.dispose()
    files.cleanup()
  })

  it('re-seals them with a rotated key', async () => {
    const rotated = await env.core.invoke('vault.rotateKey', { password: TEST_PASSWORD })
    expect(rotated.ok, JSON.stringify(rotated)).toBe(true)
    const c = env.bridge.upstreams.store.require('svc')
    expect(env.bridge.upstreams.store.openHeaders(c.id)).toEqual({ Authorization: HEADER })
    expect(env.bridge.upstreams.store.grantStorage(c.id).tokens()?.access_token).toBe(TOKEN)
  })

  it('exports them encrypted and imports them into another vault, still bound to their server', async () => {
    const file = join(files.dir, 'v.kbbackup')
    expect(
      await env.core.invoke('backup.export', { path: file, passphrase: 'a long backup passphrase' }),
    ).toMatchObject({
      ok: true,
    })
    const dst = await makeCore({ unlocked: true })
    try {
      const res = await dst.invoke('backup.import', {
        path: file,
        passphrase: 'a long backup passphrase',
        mode: 'replace',
      })
      expect(res.ok, JSON.stringify(res)).toBe(true)
      const { getBridge } = await import('../../../electron/core/bridge/feature')
      const store = getBridge(dst.ctx).upstreams.store
      const c = store.require('svc')
      expect(store.openHeaders(c.id)).toEqual({ Authorization: HEADER })
      expect(store.grantStorage(c.id).tokens()?.refresh_token).toBe(TOKEN + '_r')
      expect(getBridge(dst.ctx).upstreams.status('svc').remote).toMatchObject({ auth: 'signed_in' })
    } finally {
      await dst.dispose()
    }
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { endpointOverridesAllowed } from '../../../electron/core/providers/base-url'
import { buildAuthenticatedRequest } from '../../../electron/core/providers/request'
import { makeCore } from '../../helpers/core'

const ENV = {
  KEYBRIDGE_GITHUB_BASE_URL: 'http://attacker.example:8080',
  KEYBRIDGE_GOOGLE_TOKEN_URL: 'http://attacker.example/token',
  KEYBRIDGE_LOCALE: 'fr',
}

/** Endpoint overrides from the environment: development builds and the headless command only. */
describe('provider endpoint overrides and packaging', () => {
  const cores: { dispose(): Promise<void> }[] = []
  afterEach(async () => {
    for (const c of cores.splice(0)) await c.dispose()
  })
  const request = (env: Record<string, string | undefined>) =>
    buildAuthenticatedRequest('github', {}, { token: 'ghp_packagedRuleToken123' }, { path: '/user' }, env).url

  it('the packaged desktop app ignores them (and keeps the rest of its environment)', async () => {
    const core = await makeCore({ runtime: 'electron', packaged: true, env: ENV })
    cores.push(core)
    expect(core.ctx.env['KEYBRIDGE_GITHUB_BASE_URL']).toBeUndefined()
    expect(core.ctx.env['KEYBRIDGE_GOOGLE_TOKEN_URL']).toBeUndefined()
    expect(core.ctx.env['KEYBRIDGE_LOCALE']).toBe('fr')
    expect(request(core.ctx.env)).toBe('https://api.github.com/user')
    // Electron without the flag counts as packaged: the safe side.
    expect(endpointOverridesAllowed({ runtime: 'electron' })).toBe(false)
  })

  it('a development build and the headless command honour them', async () => {
    for (const opts of [{ runtime: 'electron' as const, packaged: false }, { runtime: 'node' as const }]) {
      const core = await makeCore({ ...opts, env: ENV })
      cores.push(core)
      expect(request(core.ctx.env)).toBe('http://attacker.example:8080/user')
    }
  })
})

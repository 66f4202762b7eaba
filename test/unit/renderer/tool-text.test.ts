import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCore } from '../../../electron/core/app'
import { FileKeychain } from '../../../electron/core/vault/file-keychain'
import { hasToolTranslation, toolText } from '../../../renderer/src/i18n/tool-text'

describe('built-in tool texts in French', () => {
  it('every built-in tool title and description (API and Home Assistant) has French, values kept', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kb-tooltext-'))
    const core = await createCore({
      dataDir,
      runtime: 'browser-harness',
      osProtector: new FileKeychain(join(dataDir, 'k.bin')),
      kdf: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      env: { ...process.env },
    })
    try {
      await core.invoke('vault.create', { mode: 'keychain' }, { actor: 'ui' })
      for (const service of ['github', 'notion', 'custom'])
        await core.invoke(
          'credentials.create',
          {
            service,
            name: 'work',
            fields:
              service === 'custom'
                ? {
                    baseUrl: 'https://api.example.com',
                    headerName: 'Authorization',
                    headerTemplate: 'Bearer {{secret}}',
                    secret: 'x-secret-value',
                  }
                : { token: 'x-secret-value-1234' },
            validate: false,
          },
          { actor: 'ui' },
        )
      const ha = await core.invoke(
        'homeassistant.add',
        {
          name: 'Maison',
          url: 'http://192.168.1.2:8123',
          token: 'x-ha-token-123456',
          validate: false,
          allowedDomains: ['light'],
        },
        { actor: 'ui' },
      )
      expect(ha.ok).toBe(true)
      const r = (await core.invoke('bridge.tools.list', undefined, { actor: 'ui' })) as {
        ok: true
        data: { name: string; title: string | null; description: string; source: string }[]
      }
      const builtIn = r.data.filter((x) => x.source === 'api' || x.source.startsWith('homeassistant'))
      expect(builtIn.length).toBeGreaterThanOrEqual(10)
      for (const tool of builtIn) {
        expect(hasToolTranslation(tool.description, 'fr'), tool.description).toBe(true)
        if (tool.title) expect(hasToolTranslation(tool.title, 'fr'), tool.title).toBe(true)
      }
      const getState = builtIn.find((x) => x.name.endsWith('get_state'))!
      expect(toolText(getState.description, 'fr')).toBe(
        'L’état actuel et les attributs d’une entité de l’instance Home Assistant « Maison ». Seuls ces domaines sont autorisés : light.',
      )
      expect(toolText(getState.description, 'en')).toBe(getState.description)

      // The playground's form: every argument description of every built-in tool reads in French too.
      await core.invoke('bridge.tokens.create', { name: 'Texts', scopes: [] }, { actor: 'ui' })
      const pg = (await core.invoke('bridge.playground.tools', { tokenName: 'Texts' }, { actor: 'ui' })) as {
        ok: true
        data: {
          name: string
          source: string
          inputSchema: { properties?: Record<string, { description?: string }> }
        }[]
      }
      const own = pg.data.filter((x) => x.source === 'api' || x.source.startsWith('homeassistant'))
      expect(own.length).toBe(builtIn.length)
      let described = 0
      for (const tool of own)
        for (const [arg, p] of Object.entries(tool.inputSchema.properties ?? {})) {
          if (!p.description) continue
          described++
          expect(hasToolTranslation(p.description, 'fr'), `${tool.name}.${arg}: ${p.description}`).toBe(true)
        }
      expect(described).toBeGreaterThan(20)
      const call = own.find((x) => x.name.endsWith('call_service'))!
      expect(toolText(call.inputSchema.properties!['service'].description!, 'fr')).toBe(
        'Nom du service, par ex. turn_on, toggle, set_temperature.',
      )
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

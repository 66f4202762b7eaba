import type { Core } from '../../../electron/core/app'

const SERVICES = [
  'github',
  'gitlab',
  'notion',
  'jira',
  'slack',
  'linear',
  'openai',
  'sentry',
  'todoist',
  'mistral',
]

/**
 * Stores `n` credentials spread over ten services in one transaction (a bench is about reading them,
 * not about 10,000 fsyncs). The core must be unlocked. Returns their ids.
 */
export function seedCredentials(core: Core, n: number): string[] {
  const ids: string[] = []
  const store = core.ctx.credentials
  core.ctx.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const service = SERVICES[i % SERVICES.length]
      const created = store.create(
        {
          service,
          name: `account ${i}`,
          account: `user${i}@example.test`,
          fields: { url: `https://${service}.example.test/org${i % 97}` },
          secrets: { token: `seed-secret-${i}-${'x'.repeat(32)}` },
          status: 'active',
          lastValidatedAt: null,
          validationError: null,
          expiresAt: null,
          metadata: {},
        },
        'cli',
      )
      ids.push(created.id)
    }
  })()
  return ids
}

import type { Core } from '../../../electron/core/app'
import type { CredentialStatus } from '../../../shared/models/credential'

const DAY = 86_400_000

/**
 * Credentials straight into the real store (sealed like any other), for screenshots and the bench.
 * Like a backup import, the bulk insert announces one `credentials.changed` at the end instead of one
 * per row (each announcement makes listeners such as the bridge's redactor reload every secret).
 */
export function seedCredentials(core: Core, count: number, now = Date.now()): void {
  const events = core.ctx.events
  const emit = events.emit
  events.emit = () => {}
  try {
    insertCredentials(core, count, now)
  } finally {
    events.emit = emit
  }
  events.emit('credentials.changed', { at: now })
}

function insertCredentials(core: Core, count: number, now: number): void {
  const services = ['github', 'notion', 'linear', 'openai', 'slack', 'todoist', 'sentry', 'anthropic']
  const statuses: CredentialStatus[] = [
    'active',
    'active',
    'active',
    'active',
    'invalid',
    'expired',
    'unvalidated',
  ]
  const insert = core.ctx.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const service = services[i % services.length]
      const status = statuses[i % statuses.length]
      core.ctx.credentials.create(
        {
          service,
          name: i < services.length ? 'work' : `account-${i}`,
          account: `user${i}@example.com`,
          fields: {},
          secrets: { token: `seeded-secret-${i}` },
          status,
          lastValidatedAt: now - (i % 48) * 3_600_000,
          validationError: status === 'invalid' ? 'The service rejected this token (HTTP 401).' : null,
          expiresAt: i % 11 === 3 ? now + 3 * DAY : null,
          metadata: {},
        },
        'ui',
      )
    }
  })
  insert()
}

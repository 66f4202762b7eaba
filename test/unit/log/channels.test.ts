import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { localDay } from '../../../electron/core/local-day'
import { makeCore } from '../../helpers/core'

describe('the log scrubber', () => {
  it('knows a credential stored while the bridge is stopped, and withholds a line it cannot check', async () => {
    const c = await makeCore({ unlocked: true, logging: { file: true } })
    const secret = 'scrub-me-' + 'Q7w'.repeat(8)
    c.ctx.log.info('before any credential')
    c.ctx.credentials.create(
      {
        service: 'github',
        name: 'later',
        account: null,
        fields: {},
        secrets: { token: secret },
        status: 'active',
        lastValidatedAt: null,
        validationError: null,
        expiresAt: null,
        metadata: {},
      },
      'ui',
    )
    c.ctx.log.warn({ detail: `upstream said ${secret}` }, 'quoted a secret')
    c.ctx.logs.flush()
    const file = join(c.dataDir, 'logs', `keybridge-${localDay(Date.now())}.log`)
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('upstream said [redacted]')
    expect(text).not.toContain(secret)
    c.ctx.events.emit('credentials.changed', { at: Date.now() }) // the scrubber must re-read them...
    c.ctx.db.close() // ...and cannot
    c.ctx.log.error(`after close ${secret}`)
    c.ctx.logs.flush()
    const after = readFileSync(file, 'utf8')
    expect(after).not.toContain(secret)
    expect(after).toContain('a log line was withheld')
    c.ctx.logs.close()
  })
})

describe('logs.* channels', () => {
  const opened: string[] = []
  let core: Awaited<ReturnType<typeof makeCore>>
  afterAll(async () => core.dispose())

  it('opens the logs folder through the host hook, and changes the level at once', async () => {
    core = await makeCore({ logging: { file: true }, openPath: async (p) => void opened.push(p) })
    expect(await core.invoke('logs.openFolder', undefined)).toEqual({ ok: true, data: { ok: true } })
    expect(opened).toEqual([join(core.dataDir, 'logs')])
    expect(await core.invoke('logs.config.get', undefined)).toMatchObject({
      ok: true,
      data: { level: 'info', retentionDays: 30, folder: join(core.dataDir, 'logs') },
    })
    core.ctx.log.debug('hidden at info')
    expect(await core.invoke('logs.config.set', { level: 'debug' })).toMatchObject({
      ok: true,
      data: { level: 'debug' },
    })
    core.ctx.log.debug('shown at debug')
    expect(await core.invoke('logs.config.set', { retentionDays: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    core.ctx.logs.flush()
    const text = readFileSync(join(core.dataDir, 'logs', `keybridge-${localDay(Date.now())}.log`), 'utf8')
    expect(text).not.toContain('hidden at info')
    expect(text).toContain('shown at debug')
  })
})

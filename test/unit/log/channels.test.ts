import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { localDay } from '../../../electron/core/local-day'
import { makeCore } from '../../helpers/core'

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

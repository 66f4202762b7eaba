import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { localDay } from '../../../electron/core/local-day'
import { AppLog } from '../../../electron/core/log/logger'
import { readLogs } from '../../../electron/core/log/read'
import { tempDir } from '../../helpers/core'

const DAY = 86_400_000

describe('daily rotation and retention on the injected clock', () => {
  const t = tempDir('kb-log-')
  afterEach(() => t.cleanup())
  const files = () => readdirSync(join(t.dir, 'logs')).sort()

  it('switches to a new file at local midnight and keeps the retention in days', () => {
    // 23:59:30 local time on 10 March 2026.
    const clock = new ManualClock(new Date(2026, 2, 10, 23, 59, 30).getTime())
    const log = new AppLog({ clock, level: 'info', file: { dataDir: t.dir, retentionDays: 3 } })
    log.logger.info('before midnight')
    clock.advance(60_000)
    log.logger.info('after midnight')
    log.flush()
    expect(files()).toEqual(['keybridge-2026-03-10.log', 'keybridge-2026-03-11.log'])
    expect(readFileSync(join(t.dir, 'logs', 'keybridge-2026-03-10.log'), 'utf8')).toContain('before midnight')
    const after = readFileSync(join(t.dir, 'logs', 'keybridge-2026-03-11.log'), 'utf8')
    expect(after).toContain('after midnight')
    expect(JSON.parse(after).time).toBe(new Date(clock.now()).toISOString())

    // Files that are not ours are never touched.
    writeFileSync(join(t.dir, 'logs', 'notes.txt'), 'mine')
    for (let i = 0; i < 4; i++) {
      clock.advance(DAY)
      log.logger.warn({ i }, 'a day later')
    }
    log.flush()
    // 15 March: today and the two days before it (retention 3 days).
    expect(files()).toEqual([
      'keybridge-2026-03-13.log',
      'keybridge-2026-03-14.log',
      'keybridge-2026-03-15.log',
      'notes.txt',
    ])
    log.setRetention(1)
    expect(files()).toEqual(['keybridge-2026-03-15.log', 'notes.txt'])
    log.close()
  })

  it('keeps 30 days by default through the core, and reads back by time and level', async () => {
    const { makeCore } = await import('../../helpers/core')
    const clock = new ManualClock(new Date(2026, 0, 1, 12).getTime())
    const core = await makeCore({ dataDir: t.dir, clock, logging: { file: true } })
    for (let d = 0; d < 40; d++) {
      core.ctx.log.info({ d }, 'tick')
      if (d % 10 === 0) core.ctx.log.error({ d }, 'bad tick')
      clock.advance(DAY)
      core.ctx.log.info('next day')
    }
    core.ctx.logs.flush()
    const kept = files()
    expect(kept).toHaveLength(30)
    expect(kept.at(-1)).toBe(`keybridge-${localDay(clock.now())}.log`)
    const dir = join(t.dir, 'logs')
    const errors = readLogs(dir, { level: 'error' })
    expect(errors.map((l) => l['d'])).toEqual([20, 30])
    const recent = readLogs(dir, { since: clock.now() - 2 * DAY })
    expect(recent.every((l) => Date.parse(l.time) >= clock.now() - 2 * DAY)).toBe(true)
    expect(recent.length).toBeGreaterThan(2)
    await core.close()
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { applyAuditRetention } from '../../../electron/core/vault/audit-retention'
import { makeCore } from '../../helpers/core'
import { credential } from './fixtures'

const DAY = 86_400_000

/** Time set by hand, timers never fire: other features' schedulers stay out of these tests. */
class StillClock {
  t = Date.UTC(2026, 0, 1)
  now = () => this.t
  setTimer = () => () => {}
  advance(ms: number) {
    this.t += ms
  }
}

describe('audit trail', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  async function withEntries() {
    const clock = new StillClock()
    const core = await makeCore({ unlocked: true, clock })
    dispose = core.dispose
    const gh = core.ctx.credentials.create(credential({ service: 'github', name: 'work' }), 'ui')
    clock.advance(DAY)
    core.ctx.credentials.create(credential({ service: 'gitlab', name: 'home' }), 'cli')
    core.ctx.credentials.readSecrets(gh.id, { actor: 'bridge', actorName: 'LM Studio', action: 'used' })
    clock.advance(DAY)
    core.ctx.audit.record({ actor: 'ui', action: 'tool_call', target: '=cmd|calc', outcome: 'error' })
    return { core, clock, start: Date.UTC(2026, 0, 1) }
  }

  it('lists newest first with filters and paging', async () => {
    const { core, start } = await withEntries()
    const all = await core.invoke('audit.list', {})
    expect(all).toMatchObject({ ok: true, data: { total: 5 } })
    const data = (all as { data: { entries: { action: string; at: number }[] } }).data
    expect(data.entries.map((e) => e.action)).toEqual([
      'tool_call',
      'used',
      'created',
      'created',
      'vault_created',
    ])
    expect(await core.invoke('audit.list', { actor: 'bridge' })).toMatchObject({
      data: { total: 1, entries: [{ actorName: 'LM Studio', target: 'github/work' }] },
    })
    expect(await core.invoke('audit.list', { actorName: 'LM Studio' })).toMatchObject({ data: { total: 1 } })
    expect(await core.invoke('audit.list', { service: 'github' })).toMatchObject({ data: { total: 2 } })
    expect(await core.invoke('audit.list', { service: 'git' })).toMatchObject({ data: { total: 0 } })
    expect(await core.invoke('audit.list', { target: 'gitlab/home' })).toMatchObject({ data: { total: 1 } })
    expect(await core.invoke('audit.list', { outcome: 'error' })).toMatchObject({ data: { total: 1 } })
    expect(await core.invoke('audit.list', { since: start + DAY, until: start + DAY })).toMatchObject({
      data: { total: 2 },
    })
    const page = await core.invoke('audit.list', { offset: 1, limit: 2 })
    expect(page).toMatchObject({ data: { total: 5, entries: [{ action: 'used' }, { action: 'created' }] } })
    expect(await core.invoke('audit.list', { limit: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
  })

  it('exports CSV (quoted, formula-safe) and JSON, and audits the export', async () => {
    const { core } = await withEntries()
    const csv = await core.invoke('audit.export', { format: 'csv' })
    expect(csv).toMatchObject({ ok: true, data: { count: 5, filename: expect.stringMatching(/\.csv$/) } })
    const lines = (csv as { data: { content: string } }).data.content.trimEnd().split('\r\n')
    expect(lines[0]).toBe('id,time,actor,actorName,action,target,outcome,durationMs,detail')
    expect(lines).toHaveLength(6)
    expect(lines[1]).toMatch(
      /^\d+,2026-01-01T00:00:00\.000Z,ui,,vault_created,,ok,,"{""mode"":""keychain\+password""}"$/,
    )
    expect(lines[5]).toContain(",'=cmd|calc,")
    const json = await core.invoke('audit.export', { format: 'json', actor: 'bridge' })
    const parsed = JSON.parse((json as { data: { content: string } }).data.content)
    expect(parsed).toEqual([
      expect.objectContaining({ action: 'used', actorName: 'LM Studio', time: expect.any(String) }),
    ])
    expect(await core.invoke('audit.list', { action: 'audit_exported' })).toMatchObject({
      data: { total: 2 },
    })
  })

  it('keeps 90 days by default; retention is a setting; old rows go', async () => {
    const { core, clock } = await withEntries()
    expect(await core.invoke('audit.getRetention', {})).toMatchObject({ ok: true, data: { days: 90 } })
    clock.advance(89 * DAY)
    expect(applyAuditRetention(core.ctx)).toBe(2) // day 0: vault_created and created (91 days old)
    const set = await core.invoke('audit.setRetention', { days: 30 })
    expect(set).toMatchObject({ ok: true, data: { days: 30, removed: 3 } }) // day 1 and day 2
    expect(await core.invoke('audit.getRetention', {})).toMatchObject({ data: { days: 30 } })
    expect(await core.invoke('audit.setRetention', { days: 0 })).toMatchObject({ ok: false })
    const left = await core.invoke('audit.list', {})
    expect((left as { data: { entries: { action: string }[] } }).data.entries.map((e) => e.action)).toEqual([
      'audit_pruned',
      'settings_changed',
      'audit_pruned',
    ])
  })

  it('the vault schedules retention daily on the injected clock', async () => {
    const clock = new ManualClock()
    const core = await makeCore({ unlocked: true, clock })
    dispose = core.dispose
    await core.invoke('audit.setRetention', { days: 1 })
    clock.advance(3 * DAY)
    const res = await core.invoke('audit.list', { action: 'vault_created' })
    expect(res).toMatchObject({ data: { total: 0 } })
  })
})

import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { VAULT_FILE } from '../../../electron/core/app'
import { ManualClock } from '../../../electron/core/clock'
import { listAudit } from '../../../electron/core/vault/audit-query'
import { applyAuditRetention } from '../../../electron/core/vault/audit-retention'
import type { AuditFilter } from '../../../shared/models/audit'
import { makeCore, tempDir } from '../../helpers/core'

const HOUR = 3_600_000
const OUTCOMES = ['ok', 'ok', 'ok', 'denied', 'error'] as const

describe('audit_daily: the audit log pre-aggregated per local day', () => {
  const t = tempDir('kb-audit-daily-')
  afterAll(() => t.cleanup())

  it('answers every filtered total exactly like counting the rows, through retention and a re-migration', async () => {
    const clock = new ManualClock(new Date(2026, 1, 1, 0, 30).getTime())
    let core = await makeCore({ dataDir: t.dir, clock })
    const db = () => core.ctx.db
    // 20 days, a row every 37 minutes, several actors, tokens, tools and outcomes.
    db().transaction(() => {
      for (let i = 0; i < 20 * 39; i++) {
        clock.advance(37 * 60_000)
        const bridge = i % 4 !== 0
        core.ctx.audit.record({
          actor: bridge ? 'bridge' : 'ui',
          actorName: bridge ? `token ${i % 3}` : null,
          action: bridge ? 'tool_call' : i % 8 === 0 ? 'revealed' : 'used',
          target: bridge ? `tool_${i % 5}` : `github/acct${i % 2}`,
          outcome: OUTCOMES[i % OUTCOMES.length],
          durationMs: i % 7,
        })
      }
    })()
    const raw = (f: AuditFilter) => {
      const where: string[] = []
      const args: unknown[] = []
      const add = (clause: string, ...v: unknown[]) => {
        where.push(clause)
        args.push(...v)
      }
      if (f.since !== undefined) add('at >= ?', f.since)
      if (f.until !== undefined) add('at <= ?', f.until)
      for (const [k, col] of [
        ['actor', 'actor'],
        ['actorName', 'actor_name'],
        ['action', 'action'],
        ['target', 'target'],
        ['outcome', 'outcome'],
      ] as const)
        if (f[k] !== undefined) add(`${col} = ?`, f[k])
      if (f.service) add('target >= ? AND target < ?', `${f.service}/`, `${f.service}0`)
      return (
        db()
          .prepare(
            `SELECT COUNT(*) AS n FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`,
          )
          .get(...args) as { n: number }
      ).n
    }
    const now = clock.now()
    const filters: AuditFilter[] = [
      {},
      { actor: 'bridge' },
      { outcome: 'error' },
      { actorName: 'token 1', outcome: 'ok' },
      { service: 'github' },
      { action: 'revealed' },
      { target: 'tool_3' },
      { since: now - 7 * 24 * HOUR },
      { since: now - 7 * 24 * HOUR - 13 * 60_000, actor: 'bridge', outcome: 'denied' },
      { since: new Date(2026, 1, 5).getTime(), until: new Date(2026, 1, 9).getTime() - 1 },
      { since: new Date(2026, 1, 5, 3, 17).getTime(), until: new Date(2026, 1, 9, 22, 1).getTime() },
      { since: new Date(2026, 1, 5, 3).getTime(), until: new Date(2026, 1, 5, 9).getTime() },
      { until: new Date(2026, 1, 10, 12).getTime(), service: 'github' },
    ]
    const check = () => {
      for (const f of filters)
        expect({ f, total: listAudit(db(), { ...f, limit: 1 }).total }).toEqual({ f, total: raw(f) })
    }
    check()
    expect(raw({})).toBeGreaterThan(700)

    // Retention deletes rows: the aggregate follows (triggers), including the partial first day.
    // (the daily retention timer runs on the clock as it moves; running it by hand removes nothing more).
    const before = raw({})
    core.ctx.settings.set('audit.retentionDays', 95)
    clock.advance(80 * 24 * HOUR)
    applyAuditRetention(core.ctx)
    expect(raw({})).toBeLessThan(before - 100)
    check()
    await core.close()

    // A vault from before the aggregate: the migration builds it from the rows already there.
    const file = new Database(join(t.dir, VAULT_FILE))
    file.exec(`DROP TRIGGER audit_daily_add; DROP TRIGGER audit_daily_remove; DROP TABLE audit_daily;
      UPDATE schema_versions SET version = 4 WHERE module = 'vault';`)
    file.close()
    core = await makeCore({ dataDir: t.dir, clock })
    check()
    await core.close()
  })
})

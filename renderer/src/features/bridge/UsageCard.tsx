import { useEffect, useMemo, useState } from 'react'
import { Badge, Card, Flex, Heading, Table, Text } from '@radix-ui/themes'
import type { AuditEntry } from '../../../../shared/models/audit'
import { call, onEvent } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { formatNumber } from '../../lib/format'

const DAY = 86_400_000
const CAP = 20_000

interface Usage {
  client: string
  day: number
  week: number
  denied: number
  errors: number
  top: [tool: string, calls: number][]
}

/** Per client token over the last 7 days: calls in 24 h and 7 days, denials, errors, top tools. */
export function summarizeUsage(calls: AuditEntry[], now: number): Usage[] {
  const by = new Map<string, Usage & { tools: Map<string, number> }>()
  for (const c of calls) {
    if (now - c.at > 7 * DAY) continue
    const client = c.actorName ?? '—'
    let u = by.get(client)
    if (!u) by.set(client, (u = { client, day: 0, week: 0, denied: 0, errors: 0, top: [], tools: new Map() }))
    u.week++
    if (now - c.at <= DAY) u.day++
    if (c.outcome === 'denied') u.denied++
    if (c.outcome === 'error') u.errors++
    if (c.target) u.tools.set(c.target, (u.tools.get(c.target) ?? 0) + 1)
  }
  return [...by.values()]
    .map(({ tools, ...u }) => ({ ...u, top: [...tools].sort((a, b) => b[1] - a[1]).slice(0, 3) }))
    .sort((a, b) => b.week - a.week)
}

/** Usage per client, read from the audit log's tool calls (the bridge's own record of each call). */
export function UsageCard() {
  const t = useT()
  const lang = useLanguage()
  const [calls, setCalls] = useState<{ entries: AuditEntry[]; at: number } | null>(null)
  useEffect(() => {
    let live = true
    const load = async () => {
      const since = Date.now() - 7 * DAY
      const out: AuditEntry[] = []
      while (out.length < CAP) {
        const page = await call('audit.list', {
          actor: 'bridge',
          action: 'tool_call',
          since,
          offset: out.length,
          limit: 1000,
        })
        out.push(...page.entries)
        if (page.entries.length < 1000 || out.length >= page.total) break
      }
      if (live) setCalls({ entries: out, at: Date.now() })
    }
    void load().catch(() => live && setCalls({ entries: [], at: 0 }))
    const off = onEvent('bridge.callsRecorded', () => void load().catch(() => {}))
    return () => {
      live = false
      off()
    }
  }, [])
  const usage = useMemo(() => (calls ? summarizeUsage(calls.entries, calls.at) : []), [calls])
  const n = (x: number) => formatNumber(x, lang)
  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Heading as="h2" size="4">
          {t('usage.title')}
        </Heading>
        {calls && usage.length === 0 ? (
          <Text size="2" color="gray" data-testid="usage-empty">
            {t('usage.empty')}
          </Text>
        ) : (
          <Table.Root size="1" variant="surface" data-testid="usage-table">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>{t('usage.client')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('usage.day')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('usage.week')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('usage.deniedErrors')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('usage.top')}</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {usage.map((u) => (
                <Table.Row key={u.client} data-testid="usage-row">
                  <Table.RowHeaderCell>{u.client}</Table.RowHeaderCell>
                  <Table.Cell data-testid="usage-day">{n(u.day)}</Table.Cell>
                  <Table.Cell data-testid="usage-week">{n(u.week)}</Table.Cell>
                  <Table.Cell>
                    <Flex gap="1">
                      <Badge color={u.denied ? 'orange' : 'gray'}>{n(u.denied)}</Badge>
                      <Badge color={u.errors ? 'red' : 'gray'}>{n(u.errors)}</Badge>
                    </Flex>
                  </Table.Cell>
                  <Table.Cell>
                    <Text size="1">{u.top.map(([tool, c]) => `${tool} (${n(c)})`).join(', ')}</Text>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        )}
      </Flex>
    </Card>
  )
}

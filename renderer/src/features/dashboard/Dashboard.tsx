import { useEffect } from 'react'
import { Badge, Button, Callout, Card, Flex, Grid, Heading, SegmentedControl, Text } from '@radix-ui/themes'
import { onEvent } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { StatusBadge } from '../credentials/StatusBadge'
import { useShell } from '../shell/store'
import { CallsChart } from './CallsChart'
import { useDashboard, type ChartSpan } from './store'

function Stat(props: { label: string; value: number | string | null; testId: string; color?: string }) {
  return (
    <Card>
      <Text as="div" size="2" color="gray">
        {props.label}
      </Text>
      <Text as="div" size="7" weight="bold" data-testid={props.testId} style={{ color: props.color }}>
        {props.value ?? '—'}
      </Text>
    </Card>
  )
}

/** The overview: counts, bridge traffic, recent activity and what needs attention. */
export function Dashboard() {
  const t = useT()
  const lang = useLanguage()
  const go = useShell((s) => s.go)
  const { stats, bridge, tokens, span, calls, recent, attention, setSpan } = useDashboard()
  useEffect(() => {
    const load = () => void useDashboard.getState().load()
    load()
    const offs = [
      onEvent('credentials.changed', load),
      onEvent('bridge.statusChanged', (bridge) => useDashboard.setState({ bridge })),
      // Not bridge.activity: that fires before the call's audit row is committed (rows are batched).
      onEvent('bridge.callsRecorded', load),
    ]
    return () => offs.forEach((off) => off())
  }, [])

  const now = useNow()
  const activeClients = tokens?.filter((tk) => tk.status === 'active').length ?? null
  const s = stats?.byStatus
  return (
    <Flex direction="column" gap="4">
      {stats && stats.total === 0 && (
        <Callout.Root data-testid="dashboard-empty">
          <Callout.Text>
            {t('dashboard.empty')}{' '}
            <Button size="1" variant="soft" onClick={() => go('credentials')}>
              {t('dashboard.addFirst')}
            </Button>
          </Callout.Text>
        </Callout.Root>
      )}
      <Grid columns={{ initial: '2', md: '4' }} gap="3">
        <Stat label={t('dashboard.total')} value={stats?.total ?? null} testId="stat-total" />
        <Stat
          label={t('status.active')}
          value={s ? (s.active ?? 0) : null}
          testId="stat-active"
          color="var(--green-11)"
        />
        <Stat
          label={t('status.invalid')}
          value={s ? (s.invalid ?? 0) : null}
          testId="stat-invalid"
          color="var(--red-11)"
        />
        <Stat
          label={t('status.expired')}
          value={s ? (s.expired ?? 0) : null}
          testId="stat-expired"
          color="var(--orange-11)"
        />
        <Stat
          label={t('dashboard.expiringSoon')}
          value={stats?.expiringSoon.length ?? null}
          testId="stat-expiring"
        />
        <Stat
          label={t('dashboard.services')}
          value={stats?.byService.length ?? null}
          testId="stat-services"
        />
        <Card>
          <Text as="div" size="2" color="gray">
            {t('dashboard.bridge')}
          </Text>
          <Flex align="center" gap="2" mt="2">
            <Badge size="2" color={bridge?.running ? 'green' : 'gray'} data-testid="stat-bridge">
              {bridge ? (bridge.running ? t('bridge.running') : t('bridge.stopped')) : '—'}
            </Badge>
            {bridge?.running && bridge.url && (
              <Text size="1" color="gray" truncate>
                {bridge.url}
              </Text>
            )}
          </Flex>
        </Card>
        <Stat label={t('dashboard.clients')} value={activeClients} testId="stat-clients" />
      </Grid>

      <Card size="2">
        <Flex justify="between" align="center" mb="2">
          <Heading as="h2" size="3">
            {t('dashboard.calls')}
          </Heading>
          <SegmentedControl.Root size="1" value={span} onValueChange={(v) => setSpan(v as ChartSpan)}>
            <SegmentedControl.Item value="24h">{t('dashboard.span24h')}</SegmentedControl.Item>
            <SegmentedControl.Item value="7d">{t('dashboard.span7d')}</SegmentedControl.Item>
          </SegmentedControl.Root>
        </Flex>
        <CallsChart calls={calls} span={span} />
      </Card>

      <Grid columns={{ initial: '1', md: '2' }} gap="3">
        <Card size="2">
          <Heading as="h2" size="3" mb="2">
            {t('dashboard.attention')}
          </Heading>
          {attention.length === 0 && (stats?.expiringSoon.length ?? 0) === 0 ? (
            <Text color="gray" size="2">
              {t('dashboard.allGood')}
            </Text>
          ) : (
            <Flex direction="column" gap="2" data-testid="attention-list">
              {attention.slice(0, 8).map((c) => (
                <Flex key={c.id} justify="between" align="center" gap="2">
                  <Text size="2" truncate>
                    {c.service} / {c.name}
                  </Text>
                  <StatusBadge status={c.status} />
                </Flex>
              ))}
              {stats?.expiringSoon.slice(0, 8).map((c) => (
                <Flex key={`exp-${c.id}`} justify="between" align="center" gap="2">
                  <Text size="2" truncate>
                    {c.service} / {c.name}
                  </Text>
                  <Badge color="amber">
                    {t('dashboard.expires', { when: relativeTime(c.expiresAt, lang, now) })}
                  </Badge>
                </Flex>
              ))}
              <Flex>
                <Button size="1" variant="ghost" onClick={() => go('credentials')}>
                  {t('dashboard.openCredentials')}
                </Button>
              </Flex>
            </Flex>
          )}
        </Card>
        <Card size="2">
          <Heading as="h2" size="3" mb="2">
            {t('dashboard.recent')}
          </Heading>
          {recent.length === 0 ? (
            <Text color="gray" size="2">
              {t('activity.empty')}
            </Text>
          ) : (
            <Flex direction="column" gap="1" data-testid="recent-activity">
              {recent.map((e) => (
                <Flex key={e.id} justify="between" gap="2">
                  <Text size="2" truncate>
                    {t(`actor.${e.actor}`)} · {e.action}
                    {e.target ? ` · ${e.target}` : ''}
                  </Text>
                  <Text size="1" color="gray" style={{ whiteSpace: 'nowrap' }}>
                    {relativeTime(e.at, lang, now)}
                  </Text>
                </Flex>
              ))}
              <Flex>
                <Button size="1" variant="ghost" onClick={() => go('activity')}>
                  {t('dashboard.openActivity')}
                </Button>
              </Flex>
            </Flex>
          )}
        </Card>
      </Grid>
    </Flex>
  )
}

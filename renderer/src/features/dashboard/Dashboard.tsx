import { useEffect, useState } from 'react'
import { Badge, Button, Callout, Card, Flex, Grid, Heading, SegmentedControl, Text } from '@radix-ui/themes'
import { call, onEvent } from '../../api'
import { CONNECTED_WINDOW_MS } from '../../../../shared/ipc/bridge'
import type { CredentialState } from '../../../../shared/models/credential'
import { useLanguage, useT } from '../../i18n'
import { relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { STATUS_COLORS, StatusBadge } from '../credentials/StatusBadge'
import { credentialState } from '../../../../shared/models/credential'
import { useShell } from '../shell/store'
import { CallsChart } from './CallsChart'
import { dashboardBuckets } from './buckets'
import { toolLabel } from '../bridge/tool-label'
import { ConnectAppDialog } from '../bridge/ConnectAppDialog'
import { actionLabel } from '../activity/words'
import { useDashboard, type ChartSpan } from './store'

/** Every state once, so the counters add up to the total. */
const STATES: CredentialState[] = ['active', 'invalid', 'expired', 'revoked', 'check_failed', 'unvalidated']

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

/** The most called tools or most active clients of the week, with their call counts. */
function TopList(props: {
  title: string
  testId: string
  rows: { key: string; label: string; calls: number }[]
}) {
  const t = useT()
  return (
    <Flex direction="column" gap="1" data-testid={props.testId}>
      <Heading as="h3" size="2">
        {props.title}
      </Heading>
      {props.rows.length === 0 ? (
        <Text size="2" color="gray">
          {t('usage.noCalls')}
        </Text>
      ) : (
        <ol style={{ margin: 0, paddingLeft: '1.25em' }}>
          {props.rows.slice(0, 5).map((r) => (
            <li key={r.key}>
              <Flex justify="between" gap="2">
                <Text size="2" truncate title={r.key}>
                  {r.label}
                </Text>
                <Text size="2" color="gray" style={{ whiteSpace: 'nowrap' }}>
                  {t('usage.calls', { n: r.calls })}
                </Text>
              </Flex>
            </li>
          ))}
        </ol>
      )}
    </Flex>
  )
}

/** The overview: counts, bridge traffic, recent activity and what needs attention. */
export function Dashboard() {
  const t = useT()
  const lang = useLanguage()
  const go = useShell((s) => s.go)
  const { stats, bridge, sessions, span, usage, tools, recent, attention, setSpan } = useDashboard()
  useEffect(() => {
    const load = () => void useDashboard.getState().load()
    load()
    const offs = [
      onEvent('credentials.changed', load),
      onEvent('bridge.statusChanged', (bridge) => {
        useDashboard.setState({ bridge })
        void call('bridge.sessions').then(
          (sessions) => useDashboard.setState({ sessions }),
          () => {},
        )
      }),
      // Not bridge.activity: that fires before the call's audit row is committed (rows are batched).
      onEvent('bridge.callsRecorded', load),
    ]
    return () => offs.forEach((off) => off())
  }, [])

  const [connecting, setConnecting] = useState(false)
  const now = useNow()
  const unchecked = stats?.byState.unvalidated ?? 0
  const connected = sessions ? new Set(sessions.map((x) => `${x.tokenId}:${x.clientName ?? ''}`)).size : null
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
        {STATES.map((state) => (
          <Stat
            key={state}
            label={t(`status.${state}`)}
            value={stats ? (stats.byState[state] ?? 0) : null}
            testId={`stat-${state}`}
            color={`var(--${STATUS_COLORS[state]}-11)`}
          />
        ))}
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
        <Card>
          <Text
            as="div"
            size="2"
            color="gray"
            title={t('dashboard.clientsHint', { n: CONNECTED_WINDOW_MS / 60_000 })}
          >
            {t('dashboard.clients')}
          </Text>
          <Text as="div" size="7" weight="bold" data-testid="stat-clients">
            {connected ?? '—'}
          </Text>
          {sessions && sessions.length > 0 ? (
            <Text as="div" size="1" color="gray" truncate data-testid="connected-apps">
              {[...new Set(sessions.map((x) => x.clientName ?? x.tokenName))].join(', ')}
            </Text>
          ) : (
            <Button
              size="1"
              variant="ghost"
              onClick={() => setConnecting(true)}
              data-testid="dashboard-connect"
            >
              {t('connect.open')}
            </Button>
          )}
        </Card>
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
        {usage ? (
          <>
            <CallsChart
              buckets={dashboardBuckets(usage, span, lang)}
              span={t(span === '24h' ? 'dashboard.span24h' : 'dashboard.span7d')}
              testId="calls-chart"
            />
            <Grid columns={{ initial: '1', sm: '2' }} gap="4" mt="3">
              <TopList
                title={span === '24h' ? t('usage.topTools24h') : t('usage.topToolsTitle', { n: 7 })}
                testId="dashboard-top-tools"
                rows={(span === '24h' ? usage.last24h : usage).topTools.map((x) => ({
                  key: x.tool,
                  label: toolLabel(x.tool, tools, lang),
                  calls: x.calls,
                }))}
              />
              <TopList
                title={span === '24h' ? t('usage.topClients24h') : t('usage.topClients')}
                testId="dashboard-top-clients"
                rows={(span === '24h' ? usage.last24h : usage).topTokens.map((x) => ({
                  key: x.token,
                  label: x.token,
                  calls: x.calls,
                }))}
              />
            </Grid>
          </>
        ) : (
          <Text size="2" color="gray">
            {t('common.loading')}
          </Text>
        )}
      </Card>

      <Grid columns={{ initial: '1', md: '2' }} gap="3">
        <Card size="2">
          <Heading as="h2" size="3" mb="2">
            {t('dashboard.attention')}
          </Heading>
          {attention.length === 0 && (stats?.expiringSoon.length ?? 0) === 0 && unchecked === 0 ? (
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
                  <StatusBadge status={credentialState(c)} />
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
              {unchecked > 0 && (
                <Text size="2" color="gray" data-testid="attention-unchecked">
                  {t('dashboard.unchecked', { n: unchecked })}
                </Text>
              )}
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
                    {t(`actor.${e.actor}`)} · {actionLabel(e.action, t)}
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
      {connecting && <ConnectAppDialog onClose={() => setConnecting(false)} />}
    </Flex>
  )
}

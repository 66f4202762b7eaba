import { useEffect, useMemo } from 'react'
import { Badge, Button, Callout, Flex, Select, Spinner, Table, Text, TextField } from '@radix-ui/themes'
import { AuditActor, AuditOutcome } from '../../../../shared/models/audit'
import { call, onEvent } from '../../api'
import { useLanguage, useT, type Language } from '../../i18n'
import { actionLabel, formatDuration, KNOWN_ACTIONS, reasonText } from './words'
import { downloadText } from '../../lib/download'
import { dateTime } from '../../lib/format'
import { attempt, describeError, notifySuccess } from '../../lib/notify'
import { PAGE_SIZE, RANGES, toQuery, useActivity, type AuditEntry } from './store'

const ALL = '__all'
const OUTCOME_COLORS = { ok: 'green', denied: 'orange', error: 'red' } as const

/** The audit log: filter, page through, export. */
export function ActivityScreen() {
  const t = useT()
  const lang = useLanguage()
  const { filter, page, data, loading, loadError, setFilter, setPage } = useActivity()
  useEffect(() => {
    void useActivity.getState().load()
    // Bridge calls are audited in batches: reload the page once a batch is committed.
    return onEvent('bridge.callsRecorded', () => void useActivity.getState().load())
  }, [])

  async function exportAs(format: 'csv' | 'json') {
    const r = await attempt(() => call('audit.export', { ...toQuery(filter), format }))
    if (!r) return
    downloadText(r.filename, r.content, format === 'csv' ? 'text/csv' : 'application/json')
    notifySuccess(t('activity.exported', { n: r.count }))
  }

  const actions = useMemo(
    () =>
      KNOWN_ACTIONS.map((a) => [a, actionLabel(a, t)] as const).sort((x, y) =>
        x[1].localeCompare(y[1], lang),
      ),
    [t, lang],
  )
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1
  return (
    <Flex direction="column" gap="4">
      <Flex gap="3" wrap="wrap" align="center">
        <Select.Root
          value={filter.range}
          onValueChange={(v) => setFilter({ range: v as (typeof RANGES)[number] })}
        >
          <Select.Trigger aria-label={t('activity.time')} />
          <Select.Content>
            {RANGES.map((r) => (
              <Select.Item key={r} value={r}>
                {t(`activity.range.${r}`)}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
        <Select.Root
          value={filter.actor ?? ALL}
          onValueChange={(v) => setFilter({ actor: v === ALL ? null : AuditActor.parse(v) })}
        >
          <Select.Trigger aria-label={t('activity.actor')} data-testid="actor-filter" />
          <Select.Content>
            <Select.Item value={ALL}>{t('activity.allActors')}</Select.Item>
            {AuditActor.options.map((a) => (
              <Select.Item key={a} value={a}>
                {t(`actor.${a}`)}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
        <Select.Root
          value={filter.outcome ?? ALL}
          onValueChange={(v) => setFilter({ outcome: v === ALL ? null : AuditOutcome.parse(v) })}
        >
          <Select.Trigger aria-label={t('activity.outcome')} />
          <Select.Content>
            <Select.Item value={ALL}>{t('activity.allOutcomes')}</Select.Item>
            {AuditOutcome.options.map((o) => (
              <Select.Item key={o} value={o}>
                {t(`outcome.${o}`)}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
        <Select.Root
          value={filter.action || ALL}
          onValueChange={(v) => setFilter({ action: v === ALL ? '' : v })}
        >
          <Select.Trigger aria-label={t('activity.action')} data-testid="action-filter" />
          <Select.Content>
            <Select.Item value={ALL}>{t('activity.allActions')}</Select.Item>
            {actions.map(([a, label]) => (
              <Select.Item key={a} value={a}>
                {label}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
        <TextField.Root
          placeholder={t('activity.client')}
          aria-label={t('activity.client')}
          value={filter.actorName}
          onChange={(e) => setFilter({ actorName: e.target.value })}
          data-testid="client-filter"
        />
        <TextField.Root
          placeholder={t('activity.service')}
          aria-label={t('activity.service')}
          value={filter.service}
          onChange={(e) => setFilter({ service: e.target.value })}
        />
        <Flex gap="2" ml="auto">
          <Button variant="soft" onClick={() => void exportAs('csv')} data-testid="export-csv">
            {t('activity.exportCsv')}
          </Button>
          <Button variant="soft" onClick={() => void exportAs('json')} data-testid="export-json">
            {t('activity.exportJson')}
          </Button>
        </Flex>
      </Flex>
      {loadError ? (
        <Callout.Root color="red" role="alert">
          <Callout.Text>{describeError(loadError)}</Callout.Text>
        </Callout.Root>
      ) : !data ? (
        <Spinner aria-label={t('common.loading')} />
      ) : data.entries.length === 0 ? (
        <Callout.Root data-testid="activity-empty">
          <Callout.Text>{t('activity.empty')}</Callout.Text>
        </Callout.Root>
      ) : (
        <>
          <Table.Root variant="surface" size="1" data-testid="activity-table">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>{t('activity.when')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('activity.actor')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('activity.action')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('activity.target')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('activity.outcome')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('activity.reason')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('activity.duration')}</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.entries.map((e) => (
                <ActivityRow key={e.id} e={e} when={dateTime(e.at, lang)} lang={lang} />
              ))}
            </Table.Body>
          </Table.Root>
          <Flex align="center" gap="3" justify="end">
            {loading && <Spinner />}
            <Text size="2" color="gray">
              {t('activity.page', { page: page + 1, pages, total: data.total })}
            </Text>
            <Button variant="soft" disabled={page === 0} onClick={() => setPage(page - 1)}>
              {t('activity.previous')}
            </Button>
            <Button
              variant="soft"
              disabled={page + 1 >= pages}
              onClick={() => setPage(page + 1)}
              data-testid="next-page"
            >
              {t('activity.next')}
            </Button>
          </Flex>
        </>
      )}
    </Flex>
  )
}

function ActivityRow({ e, when, lang }: { e: AuditEntry; when: string; lang: Language }) {
  const t = useT()
  const reason = reasonText(e, t, lang)
  return (
    <Table.Row data-testid="activity-row">
      <Table.Cell>
        <Text size="1">{when}</Text>
      </Table.Cell>
      <Table.Cell>
        {t(`actor.${e.actor}`)}
        {e.actorName && e.actorName !== e.actor ? ` · ${e.actorName}` : ''}
      </Table.Cell>
      <Table.Cell data-testid="activity-action" data-action={e.action}>
        {actionLabel(e.action, t)}
      </Table.Cell>
      <Table.Cell>
        <Text size="1">{e.target ?? '—'}</Text>
      </Table.Cell>
      <Table.Cell>
        <Badge color={OUTCOME_COLORS[e.outcome]}>{t(`outcome.${e.outcome}`)}</Badge>
      </Table.Cell>
      <Table.Cell data-testid="activity-reason">
        <Text size="1">{reason ?? ''}</Text>
      </Table.Cell>
      <Table.Cell style={{ whiteSpace: 'nowrap' }}>
        {e.durationMs === null ? '—' : formatDuration(e.durationMs, lang)}
      </Table.Cell>
    </Table.Row>
  )
}

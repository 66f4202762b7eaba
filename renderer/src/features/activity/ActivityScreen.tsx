import { useEffect } from 'react'
import { Badge, Button, Callout, Code, Flex, Select, Spinner, Table, Text, TextField } from '@radix-ui/themes'
import { AuditActor, AuditOutcome } from '../../../../shared/models/audit'
import { call, onEvent } from '../../api'
import { useLanguage, useT } from '../../i18n'
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
        <TextField.Root
          placeholder={t('activity.action')}
          aria-label={t('activity.action')}
          value={filter.action}
          onChange={(e) => setFilter({ action: e.target.value })}
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
                <Table.ColumnHeaderCell>{t('activity.duration')}</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.entries.map((e) => (
                <ActivityRow key={e.id} e={e} when={dateTime(e.at, lang)} />
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

function ActivityRow({ e, when }: { e: AuditEntry; when: string }) {
  const t = useT()
  return (
    <Table.Row data-testid="activity-row">
      <Table.Cell>
        <Text size="1">{when}</Text>
      </Table.Cell>
      <Table.Cell>
        {t(`actor.${e.actor}`)}
        {e.actorName && e.actorName !== e.actor ? ` · ${e.actorName}` : ''}
      </Table.Cell>
      <Table.Cell>
        <Code variant="ghost">{e.action}</Code>
      </Table.Cell>
      <Table.Cell>
        <Text size="1">{e.target ?? '—'}</Text>
      </Table.Cell>
      <Table.Cell>
        <Badge color={OUTCOME_COLORS[e.outcome]}>{t(`outcome.${e.outcome}`)}</Badge>
      </Table.Cell>
      <Table.Cell>{e.durationMs === null ? '—' : `${Math.round(e.durationMs)} ms`}</Table.Cell>
    </Table.Row>
  )
}

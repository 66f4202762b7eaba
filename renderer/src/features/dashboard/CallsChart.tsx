import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { Table, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { formatNumber } from '../../lib/format'
import { sumBuckets, type Bucket } from './buckets'

/**
 * Stacked bars of bridge calls by outcome. Its text alternative: the role="img" label says the totals,
 * and a table (behind "Show the numbers") gives every bar's figures.
 */
/** The stacked outcomes, bottom to top, with their colour. */
const SERIES = [
  ['ok', 'var(--green-9)'],
  ['denied', 'var(--orange-9)'],
  ['error', 'var(--red-9)'],
] as const

export function CallsChart(props: { buckets: Bucket[]; span: string; testId: string; height?: number }) {
  const t = useT()
  const lang = useLanguage()
  const n = (x: number) => formatNumber(x, lang)
  const sum = sumBuckets(props.buckets)
  const label = t('usage.chartLabel', {
    span: props.span,
    n: sum.total,
    ok: sum.ok,
    denied: sum.denied,
    error: sum.error,
  })
  return (
    <div>
      <div
        style={{ width: '100%', height: props.height ?? 220 }}
        data-testid={props.testId}
        role="img"
        aria-label={label}
      >
        <ResponsiveContainer>
          <BarChart data={props.buckets} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--gray-a5)" vertical={false} />
            <XAxis dataKey="label" tick={{ fill: 'var(--gray-11)', fontSize: 11 }} stroke="var(--gray-a7)" />
            <YAxis
              allowDecimals={false}
              tick={{ fill: 'var(--gray-11)', fontSize: 11 }}
              stroke="var(--gray-a7)"
            />
            <Tooltip
              contentStyle={{ background: 'var(--color-panel-solid)', border: '1px solid var(--gray-a6)' }}
              cursor={{ fill: 'var(--gray-a3)' }}
              labelFormatter={(_l, items) => (items[0]?.payload as Bucket | undefined)?.long ?? ''}
            />
            <Legend />
            {SERIES.map(([key, fill]) => (
              <Bar
                key={key}
                dataKey={key}
                name={t(`outcome.${key}`)}
                stackId="a"
                fill={fill}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Text as="p" size="2" color="gray" data-testid={`${props.testId}-summary`}>
        {label}
        {sum.quotaRefused > 0 && ` · ${t('usage.chartRefused', { n: sum.quotaRefused })}`}
      </Text>
      <details data-testid={`${props.testId}-numbers`}>
        <summary>
          <Text size="2">{t('usage.showTable')}</Text>
        </summary>
        <Table.Root size="1" variant="surface" mt="2">
          <Table.Header>
            <Table.Row>
              <Table.ColumnHeaderCell>{t('usage.period')}</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>{t('outcome.ok')}</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>{t('outcome.denied')}</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>{t('outcome.error')}</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>{t('usage.refusedColumn')}</Table.ColumnHeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {props.buckets.map((b, i) => (
              <Table.Row key={i}>
                <Table.RowHeaderCell>{b.long}</Table.RowHeaderCell>
                <Table.Cell>{n(b.ok)}</Table.Cell>
                <Table.Cell>{n(b.denied)}</Table.Cell>
                <Table.Cell>{n(b.error)}</Table.Cell>
                <Table.Cell>{n(b.quotaRefused)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table.Root>
      </details>
    </div>
  )
}

import { useMemo } from 'react'
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useLanguage, useT } from '../../i18n'
import { bucketCalls, type ChartSpan } from './store'
import type { AuditEntry } from '../activity/store'

/** Stacked bars of bridge calls per hour (24 h) or per day (7 days), by outcome. */
export function CallsChart({ calls, span }: { calls: AuditEntry[]; span: ChartSpan }) {
  const t = useT()
  const lang = useLanguage()
  const data = useMemo(() => bucketCalls(calls, span, lang), [calls, span, lang])
  return (
    <div
      style={{ width: '100%', height: 220 }}
      data-testid="calls-chart"
      role="img"
      aria-label={t('dashboard.chartLabel', { n: calls.length })}
    >
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
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
          />
          <Legend />
          <Bar
            dataKey="ok"
            name={t('outcome.ok')}
            stackId="a"
            fill="var(--green-9)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="denied"
            name={t('outcome.denied')}
            stackId="a"
            fill="var(--orange-9)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="error"
            name={t('outcome.error')}
            stackId="a"
            fill="var(--red-9)"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}

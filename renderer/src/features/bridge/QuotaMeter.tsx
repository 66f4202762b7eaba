import { Flex, Text } from '@radix-ui/themes'
import type { QuotaUse } from '../../../../shared/ipc/usage'
import { useLanguage, useT } from '../../i18n'
import { dateTime, formatNumber, relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'

/** "used / limit" of one quota period as a meter (role="meter", its numbers for assistive tech), and when it resets. */
export function QuotaMeter(props: { period: string; quota: QuotaUse; testId: string; exact?: boolean }) {
  const t = useT()
  const lang = useLanguage()
  const now = useNow()
  const { used, limit, resetsAt } = props.quota
  const n = (x: number) => formatNumber(x, lang)
  if (limit === null)
    return (
      <Flex justify="between" gap="2" wrap="wrap" data-testid={props.testId}>
        <Text size="1" weight="medium">
          {props.period}
        </Text>
        <Text size="1" color="gray" data-testid={`${props.testId}-used`}>
          {t('usage.noLimit', { n: used })}
        </Text>
      </Flex>
    )
  const ratio = Math.min(1, used / limit)
  const color = ratio >= 1 ? 'red' : ratio >= 0.8 ? 'orange' : 'green'
  const text = t('usage.quotaMeter', { period: props.period, used: n(used), limit: n(limit) })
  return (
    <Flex direction="column" gap="1" data-testid={props.testId}>
      <Flex justify="between" gap="2" wrap="wrap">
        <Text size="1" weight="medium">
          {props.period}
        </Text>
        <Text size="1" data-testid={`${props.testId}-used`}>
          {n(used)} / {n(limit)}
        </Text>
      </Flex>
      <div
        role="meter"
        aria-label={props.period}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={text}
        data-testid={`${props.testId}-meter`}
        style={{ height: 6, borderRadius: 3, background: 'var(--gray-a5)', overflow: 'hidden' }}
      >
        <div style={{ width: `${ratio * 100}%`, height: '100%', background: `var(--${color}-9)` }} />
      </div>
      <Text size="1" color="gray">
        <time dateTime={new Date(resetsAt).toISOString()} title={dateTime(resetsAt, lang)}>
          {t('usage.resets', {
            when: props.exact ? dateTime(resetsAt, lang) : relativeTime(resetsAt, lang, now),
          })}
        </time>
      </Text>
    </Flex>
  )
}

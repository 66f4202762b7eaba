import { Badge, Flex, Text } from '@radix-ui/themes'
import type { CallTotals, TokenUsage } from '../../../../shared/ipc/usage'
import { useT } from '../../i18n'
import { QuotaMeter } from './QuotaMeter'

/** The outcome badges of a span: succeeded, failed, denied, and refused by a quota (apart from calls). */
export function OutcomeBadges({ totals, testId }: { totals: CallTotals; testId: string }) {
  const t = useT()
  return (
    <Flex gap="1" wrap="wrap" data-testid={testId}>
      <Badge color="green" data-testid={`${testId}-ok`}>
        {t('usage.okN', { n: totals.ok })}
      </Badge>
      <Badge color={totals.errors ? 'red' : 'gray'} data-testid={`${testId}-errors`}>
        {t('usage.errorsN', { n: totals.errors })}
      </Badge>
      <Badge color={totals.denied ? 'orange' : 'gray'} data-testid={`${testId}-denied`}>
        {t('usage.deniedN', { n: totals.denied })}
      </Badge>
      <Badge color={totals.quotaRefused ? 'amber' : 'gray'} data-testid={`${testId}-refused`}>
        {t('usage.refusedN', { n: totals.quotaRefused })}
      </Badge>
    </Flex>
  )
}

/** Daily and monthly quota meters, or a line saying the token has none. */
export function QuotaBlock({ usage, exact }: { usage: TokenUsage; exact?: boolean }) {
  const t = useT()
  const { daily, monthly } = usage.quota
  if (daily.limit === null && monthly.limit === null)
    return (
      <Text size="1" color="gray" data-testid="usage-no-quota">
        {t('usage.noQuota')}
      </Text>
    )
  return (
    <Flex direction="column" gap="2">
      <QuotaMeter period={t('usage.today')} quota={daily} testId="usage-quota-day" exact={exact} />
      <QuotaMeter period={t('usage.thisMonth')} quota={monthly} testId="usage-quota-month" exact={exact} />
    </Flex>
  )
}

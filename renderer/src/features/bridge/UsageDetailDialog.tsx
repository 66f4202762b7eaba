import { useEffect, useMemo, useState } from 'react'
import { Button, Callout, Dialog, Flex, Heading, Spinner, Table, Text } from '@radix-ui/themes'
import type { TokenUsage } from '../../../../shared/ipc/usage'
import { call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { formatNumber } from '../../lib/format'
import { describeError } from '../../lib/notify'
import { useReturnFocus } from '../../lib/use-return-focus'
import { CallsChart } from '../dashboard/CallsChart'
import { dayBuckets } from '../dashboard/buckets'
import { useBridge } from './store'
import { toolLabel } from './tool-label'
import { OutcomeBadges, QuotaBlock } from './UsageParts'

const DAYS = 30

/** One client token's usage: its calls per day over 30 days, outcomes, top tools and quotas. */
export function UsageDetailDialog({ token, onClose }: { token: string; onClose(): void }) {
  const t = useT()
  const lang = useLanguage()
  const focus = useReturnFocus()
  const tools = useBridge((s) => s.tools)
  const [usage, setUsage] = useState<TokenUsage | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    let live = true
    call('usage.token', { name: token, days: DAYS }).then(
      (u) => live && setUsage(u),
      (e: unknown) => live && setError(e),
    )
    return () => {
      live = false
    }
  }, [token])
  const buckets = useMemo(() => (usage ? dayBuckets(usage.days, lang) : []), [usage, lang])
  const n = (x: number) => formatNumber(x, lang)
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Content maxWidth="760px" {...focus} data-testid="usage-detail">
        <Dialog.Title>{t('usage.detailTitle', { name: token })}</Dialog.Title>
        <Dialog.Description size="2" color="gray">
          {t('usage.detailDays', { n: DAYS })}
        </Dialog.Description>
        {error !== null && (
          <Callout.Root color="red" role="alert" mt="3">
            <Callout.Text>{describeError(error)}</Callout.Text>
          </Callout.Root>
        )}
        {!usage && error === null && <Spinner aria-label={t('common.loading')} />}
        {usage && (
          <Flex direction="column" gap="4" mt="3">
            <CallsChart
              buckets={buckets}
              span={t('usage.detailDays', { n: DAYS })}
              testId="usage-detail-chart"
              height={200}
            />
            <Flex gap="5" wrap="wrap">
              <Flex direction="column" gap="1">
                <Text size="2" color="gray">
                  {t('usage.last24h')} · {t('usage.calls', { n: usage.last24h.calls })}
                </Text>
                <OutcomeBadges totals={usage.last24h} testId="usage-detail-day" />
              </Flex>
              <Flex direction="column" gap="1">
                <Text size="2" color="gray">
                  {t('usage.lastDays', { n: DAYS })} · {t('usage.calls', { n: usage.totals.calls })}
                </Text>
                <OutcomeBadges totals={usage.totals} testId="usage-detail-month" />
              </Flex>
            </Flex>
            <Flex direction="column" gap="2" style={{ maxWidth: 420 }}>
              <Heading as="h3" size="2">
                {t('usage.quotas')}
              </Heading>
              <QuotaBlock usage={usage} exact />
            </Flex>
            <Flex direction="column" gap="2">
              <Heading as="h3" size="2">
                {t('usage.topToolsTitle', { n: DAYS })}
              </Heading>
              {usage.topTools.length === 0 ? (
                <Text size="2" color="gray">
                  {t('usage.noTools')}
                </Text>
              ) : (
                <Table.Root size="1" variant="surface" data-testid="usage-detail-tools">
                  <Table.Header>
                    <Table.Row>
                      <Table.ColumnHeaderCell>{t('usage.tool')}</Table.ColumnHeaderCell>
                      <Table.ColumnHeaderCell>{t('usage.callsColumn')}</Table.ColumnHeaderCell>
                      <Table.ColumnHeaderCell>{t('outcome.error')}</Table.ColumnHeaderCell>
                      <Table.ColumnHeaderCell>{t('outcome.denied')}</Table.ColumnHeaderCell>
                    </Table.Row>
                  </Table.Header>
                  <Table.Body>
                    {usage.topTools.map((x) => (
                      <Table.Row key={x.tool}>
                        <Table.RowHeaderCell>
                          <Text title={x.tool}>{toolLabel(x.tool, tools, lang)}</Text>
                        </Table.RowHeaderCell>
                        <Table.Cell>{n(x.calls)}</Table.Cell>
                        <Table.Cell>{n(x.errors)}</Table.Cell>
                        <Table.Cell>{n(x.denied)}</Table.Cell>
                      </Table.Row>
                    ))}
                  </Table.Body>
                </Table.Root>
              )}
            </Flex>
          </Flex>
        )}
        <Flex justify="end" mt="4">
          <Dialog.Close>
            <Button variant="soft" color="gray" data-testid="usage-detail-close">
              {t('common.done')}
            </Button>
          </Dialog.Close>
        </Flex>
      </Dialog.Content>
    </Dialog.Root>
  )
}

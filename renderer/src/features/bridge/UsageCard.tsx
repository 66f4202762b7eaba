import { useEffect, useState } from 'react'
import { Button, Callout, Card, Flex, Grid, Heading, Text } from '@radix-ui/themes'
import type { CallTotals, TokenUsage } from '../../../../shared/ipc/usage'
import { call, onEvent } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { formatNumber } from '../../lib/format'
import { describeError } from '../../lib/notify'
import { OutcomeBadges, QuotaBlock } from './UsageParts'
import { useBridge } from './store'
import { toolLabel } from './tool-label'
import { UsageDetailDialog } from './UsageDetailDialog'

/** "Last 24 h  12 calls" and its outcome badges. */
function SpanLine({ label, totals, testId }: { label: string; totals: CallTotals; testId: string }) {
  const t = useT()
  return (
    <Flex direction="column" gap="1">
      <Text size="2">
        <Text color="gray">{label}</Text>{' '}
        <Text weight="bold" data-testid={testId}>
          {t('usage.calls', { n: totals.calls })}
        </Text>
      </Text>
      <OutcomeBadges totals={totals} testId={`${testId}-outcomes`} />
    </Flex>
  )
}

/**
 * Usage per client token, from the core's aggregate (`usage.tokens`): calls in the last 24 h and 7 days
 * by outcome, top tools, quota use; a token's detail opens its 30-day chart.
 */
export function UsageCard() {
  const t = useT()
  const lang = useLanguage()
  const tools = useBridge((s) => s.tools)
  const tokens = useBridge((s) => s.tokens)
  const [usage, setUsage] = useState<TokenUsage[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [open, setOpen] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    const load = () =>
      call('usage.tokens', { days: 7, topTools: 3 }).then(
        (u) => {
          if (!live) return
          setUsage(u)
          setError(null)
        },
        (e: unknown) => live && setError(e),
      )
    void load()
    // After the batch of audit rows is committed (bridge.activity fires before).
    const off = onEvent('bridge.callsRecorded', () => void load())
    return () => {
      live = false
      off()
    }
    // The token list changing (created, revoked, quota edited) changes the rows.
  }, [tokens])
  const n = (x: number) => formatNumber(x, lang)
  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Heading as="h2" size="4">
          {t('usage.title')}
        </Heading>
        {error !== null && (
          <Callout.Root color="red" role="alert">
            <Callout.Text>{describeError(error)}</Callout.Text>
          </Callout.Root>
        )}
        {usage && usage.length === 0 && (
          <Text size="2" color="gray" data-testid="usage-empty">
            {t('usage.empty')}
          </Text>
        )}
        {usage && usage.length > 0 && (
          <Grid columns={{ initial: '1', md: '2' }} gap="3" data-testid="usage-list">
            {usage.map((u) => (
              <Card key={u.token} data-testid="usage-row" data-token={u.token}>
                <Flex direction="column" gap="2">
                  <Flex justify="between" align="center" gap="2">
                    <Heading as="h3" size="2" truncate>
                      {u.token}
                    </Heading>
                    <Button
                      size="1"
                      variant="soft"
                      onClick={() => setOpen(u.token)}
                      aria-label={t('usage.detailsOf', { name: u.token })}
                      data-testid="usage-open"
                    >
                      {t('usage.details')}
                    </Button>
                  </Flex>
                  <SpanLine label={t('usage.last24h')} totals={u.last24h} testId="usage-day" />
                  <SpanLine label={t('usage.last7d')} totals={u.totals} testId="usage-week" />
                  <Text size="1" color="gray" data-testid="usage-top">
                    {u.topTools.length === 0
                      ? t('usage.noTools')
                      : t('usage.topToolsList', {
                          list: u.topTools
                            .map((x) => `${toolLabel(x.tool, tools, lang)} (${n(x.calls)})`)
                            .join(', '),
                        })}
                  </Text>
                  <QuotaBlock usage={u} />
                </Flex>
              </Card>
            ))}
          </Grid>
        )}
      </Flex>
      {open !== null && <UsageDetailDialog token={open} onClose={() => setOpen(null)} />}
    </Card>
  )
}

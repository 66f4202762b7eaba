import { useCallback, useEffect, useState } from 'react'
import { Button, Callout, Flex, Text } from '@radix-ui/themes'
import type { IntegrityReport, TamperedRow } from '../../../../shared/ipc/vault'
import { call, onEvent } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { hasKey, type Language, type MessageKey } from '../../i18n/translate'
import { dateTime } from '../../lib/format'
import { attempt } from '../../lib/notify'

type Translate = ReturnType<typeof useT>
type Rollback = NonNullable<IntegrityReport['rollback']>

/** What kind of row it is, in the UI language (the core's `what` is English). */
const whatText = (t: Translate, table: string, fallback: string) =>
  hasKey(`integrity.what.${table}`) ? t(`integrity.what.${table}` as MessageKey) : fallback

/** The rollback sentence in the UI language (English keeps the core's, which names the generations). */
function rollbackText(r: Rollback, t: Translate, lang: Language): string {
  if (lang === 'en') return r.message
  if (r.kind === 'rows_removed') {
    const items = r.removed.slice(0, 5).map((x) => `${whatText(t, x.table, x.table)} « ${x.id} »`)
    return t('integrity.rollback.rows_removed', {
      items: items.join(', '),
      more: r.removed.length - items.length,
    })
  }
  if (r.kind === 'rows_replayed') return t('integrity.rollback.rows_replayed')
  return t('integrity.rollback.file', { found: r.found, expected: r.expected })
}

/** A refused row in the UI language. */
function tamperedText(r: TamperedRow, t: Translate, lang: Language): string {
  if (lang === 'en') return r.message
  if (r.table === 'vault_meta') return t('integrity.row.record')
  return t('integrity.row', {
    what: whatText(t, r.table, r.what),
    label: r.label,
    at: dateTime(r.detectedAt, lang),
  })
}

/**
 * Rows changed outside Keybridge (refused until reviewed) and a rolled-back vault file, shown on every
 * screen: the same report `keybridge doctor` prints (vault.integrity).
 */
export function IntegrityBanner() {
  const t = useT()
  const lang = useLanguage()
  const [report, setReport] = useState<IntegrityReport | null>(null)
  const load = useCallback(() => {
    void call('vault.integrity').then(setReport, () => setReport(null))
  }, [])
  useEffect(() => {
    load()
    const offs = [
      onEvent('vault.changed', load),
      onEvent('credentials.changed', load),
      onEvent('homeassistant.changed', load),
      onEvent('bridge.toolsChanged', load),
    ]
    return () => offs.forEach((off) => off())
  }, [load])
  if (!report || (report.tampered.length === 0 && !report.rollback)) return null
  return (
    <Callout.Root color="red" role="alert" data-testid="integrity-banner" mb="4">
      <Flex direction="column" gap="1">
        <Text weight="bold">{t('integrity.title')}</Text>
        {report.rollback && (
          <Flex align="center" gap="3" wrap="wrap">
            <Text size="2" data-testid="integrity-rollback">
              {rollbackText(report.rollback, t, lang)}
            </Text>
            <Button
              size="1"
              variant="soft"
              color="red"
              highContrast
              data-testid="integrity-accept-rollback"
              onClick={() => void attempt(() => call('vault.integrity.acceptRollback').then(setReport))}
            >
              {t('integrity.accept')}
            </Button>
          </Flex>
        )}
        {report.tampered.length > 0 && <Text size="2">{t('integrity.intro')}</Text>}
        {report.tampered.map((r) => (
          <Text key={`${r.table}/${r.rowId}`} size="2" data-testid="integrity-row">
            {tamperedText(r, t, lang)}
          </Text>
        ))}
      </Flex>
    </Callout.Root>
  )
}

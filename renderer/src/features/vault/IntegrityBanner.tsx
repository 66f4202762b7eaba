import { useCallback, useEffect, useState } from 'react'
import { Button, Callout, Flex, Text } from '@radix-ui/themes'
import type { IntegrityReport, TamperedRow } from '../../../../shared/ipc/vault'
import { call, onEvent } from '../../api'
import { hasKey, useLanguage, useT, type Language, type T } from '../../i18n'
import { attempt } from '../../lib/notify'

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
            <Text size="2">
              {lang === 'en'
                ? report.rollback.message
                : t('integrity.rollback', {
                    found: report.rollback.found,
                    expected: report.rollback.expected,
                  })}
            </Text>
            <Button
              size="1"
              variant="soft"
              color="red"
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

/** A row changed outside Keybridge, in the UI language (English keeps the core's sentence). */
function tamperedText(r: TamperedRow, t: T, lang: Language): string {
  if (lang === 'en') return r.message
  if (r.table === 'vault_meta') return t('integrity.record')
  const what = `integrity.what.${r.table}`
  return t('integrity.row', {
    whatText: hasKey(what) ? t(what) : r.table,
    label: r.label,
    when: new Date(r.detectedAt).toLocaleString(lang),
  })
}

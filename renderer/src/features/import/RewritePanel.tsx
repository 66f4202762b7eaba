import { Callout, Checkbox, Flex, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { importNoteText } from '../../lib/import-note-text'
import { DiffView } from './DiffView'
import type { ImportPlan } from './store'

/**
 * The option to point the app at the bridge instead of its secrets: off by default, with the diff
 * (secrets masked) and the servers it takes out, shown before anything is confirmed.
 */
export function RewritePanel(props: {
  plan: ImportPlan
  on: boolean
  onChange(on: boolean): void
  moves: { removes: string[]; keeps: string[] }
}) {
  const t = useT()
  const lang = useLanguage()
  const { plan, on, moves } = props
  const r = plan.rewrite
  const changed = moves.removes.join('\n') !== r.removes.join('\n')
  return (
    <Flex direction="column" gap="2" data-testid="import-rewrite-panel">
      <Text as="label" size="2">
        <Flex gap="2" align="center">
          <Checkbox
            checked={on}
            disabled={!r.possible}
            onCheckedChange={(v) => props.onChange(v === true)}
            data-testid="import-rewrite"
          />
          {t('import.rewrite', { app: plan.app, file: plan.file })}
        </Flex>
      </Text>
      {!r.possible && r.reason && (
        <Text size="1" color="gray" data-testid="import-rewrite-reason">
          {r.reasonCode ? importNoteText(r.reasonCode, t, lang) : r.reason}
        </Text>
      )}
      {r.possible && (
        <Text size="1" color="gray">
          {t('import.rewriteHow', { file: plan.file, app: plan.app })}
        </Text>
      )}
      {on && r.diff && (
        <>
          <Text size="2">
            {moves.removes.length ? t('import.rewriteRemoves', { names: moves.removes.join(', ') }) : ''}
            {moves.keeps.length ? ` ${t('import.rewriteKeeps', { names: moves.keeps.join(', ') })}` : ''}
          </Text>
          {changed && (
            <Callout.Root size="1" color="amber">
              <Callout.Text>{t('import.rewriteChanged')}</Callout.Text>
            </Callout.Root>
          )}
          <DiffView diff={r.diff} testId="import-diff" />
        </>
      )}
    </Flex>
  )
}

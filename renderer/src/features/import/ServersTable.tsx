import { Badge, Checkbox, Code, Flex, Table, Text, TextField } from '@radix-ui/themes'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { importNotes } from '../../lib/import-note-text'
import type { ServerView } from './edits'
import { ProblemText } from './ProblemText'
import { useImport } from './store'

const ACTION_COLOR = { upstream: 'indigo', remote: 'amber', keep: 'gray', keybridge: 'green' } as const

/** Every server of the app's config: what becomes an upstream of the bridge (renamable), what stays. */
export function ServersTable({ items }: { items: ServerView[] }) {
  const t = useT()
  const lang = useLanguage()
  const edit = useImport((s) => s.editServer)
  if (!items.length) {
    return (
      <Text size="2" color="gray">
        {t('import.noServers')}
      </Text>
    )
  }
  return (
    <Table.Root size="1" variant="surface" data-testid="import-servers">
      <Table.Header>
        <Table.Row>
          <Table.ColumnHeaderCell width="40px">
            <Text className="kb-sr-only">{t('import.include')}</Text>
          </Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.server')}</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.becomes')}</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.definition')}</Table.ColumnHeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {items.map((s) => (
          <Table.Row key={s.id} data-testid="import-server-row" data-id={s.id}>
            <Table.Cell>
              {s.selectable && (
                <Checkbox
                  checked={s.include}
                  onCheckedChange={(v) => edit(s.id, { include: v === true })}
                  aria-label={t('import.includeServer', { name: s.id })}
                  data-testid="server-include"
                />
              )}
            </Table.Cell>
            <Table.Cell>
              <Text weight="medium">{s.id}</Text>
              <Text as="div" size="1" color="gray">
                {s.transport}
              </Text>
            </Table.Cell>
            <Table.Cell>
              <Flex direction="column" gap="1" align="start">
                <Badge color={ACTION_COLOR[s.action]}>{t(`import.action.${s.action}` as MessageKey)}</Badge>
                {s.action === 'upstream' && (
                  <>
                    <TextField.Root
                      size="1"
                      value={s.upstreamName ?? ''}
                      disabled={!s.include}
                      onChange={(e) => edit(s.id, { name: e.target.value })}
                      aria-label={t('import.upstreamNameOf', { name: s.id })}
                      aria-invalid={s.problem ? true : undefined}
                      data-testid="server-name"
                    />
                    <ProblemText
                      problem={s.problem}
                      suggested={s.suggestedName}
                      onUse={(name) => edit(s.id, { name })}
                    />
                  </>
                )}
              </Flex>
            </Table.Cell>
            <Table.Cell>
              <Flex direction="column" gap="1">
                {s.command && (
                  <Code variant="ghost" size="1">
                    {[s.command, ...s.args].join(' ')}
                  </Code>
                )}
                {s.url && (
                  <Code variant="ghost" size="1">
                    {s.url}
                  </Code>
                )}
                {s.env.map((v) => (
                  <Text key={v.key} size="1" data-testid="server-env">
                    <Code size="1" color={v.kind === 'reference' ? 'indigo' : 'gray'}>
                      {v.key}={v.value}
                    </Code>
                  </Text>
                ))}
                {s.headers.length > 0 && (
                  <Text size="1" color="gray">
                    {t('import.headers', { names: s.headers.join(', ') })}
                  </Text>
                )}
                {importNotes(s.notes, s.noteCodes, t, lang).map((n) => (
                  <Text key={n} size="1" color="gray">
                    {n}
                  </Text>
                ))}
              </Flex>
            </Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table.Root>
  )
}

import { Badge, Checkbox, Code, Flex, Table, Text, TextField } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { importNoteText } from '../../lib/import-note-text'
import type { CredentialView } from './edits'
import { ProblemText } from './ProblemText'
import { useImport } from './store'

function where(c: CredentialView): string {
  return c.sources.map((s) => `${s.server ?? '.env'} · ${s.key}`).join(', ')
}

/** Every secret found, masked: include it or not, and the vault credential's (editable) name. */
export function SecretsTable({ items }: { items: CredentialView[] }) {
  const t = useT()
  const lang = useLanguage()
  const edit = useImport((s) => s.editCredential)
  if (!items.length) {
    return (
      <Text size="2" color="gray">
        {t('import.noSecrets')}
      </Text>
    )
  }
  return (
    <Table.Root size="1" variant="surface" data-testid="import-secrets">
      <Table.Header>
        <Table.Row>
          <Table.ColumnHeaderCell width="40px">
            <Text className="kb-sr-only">{t('import.include')}</Text>
          </Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.secret')}</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.service')}</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.credentialName')}</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>{t('import.foundIn')}</Table.ColumnHeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {items.map((c) => (
          <Table.Row key={c.id} data-testid="import-secret-row" data-id={c.id}>
            <Table.Cell>
              <Checkbox
                checked={c.include}
                onCheckedChange={(v) => edit(c.id, { include: v === true })}
                aria-label={t('import.includeSecret', { name: c.masked })}
                data-testid="secret-include"
              />
            </Table.Cell>
            <Table.Cell>
              <Code variant="ghost" data-testid="secret-masked">
                {c.masked}
              </Code>
              <Text as="div" size="1" color="gray">
                {c.reasonCode ? importNoteText(c.reasonCode, t, lang) : c.reason}
              </Text>
            </Table.Cell>
            <Table.Cell>
              <Badge variant="soft">{c.serviceName}</Badge>
            </Table.Cell>
            <Table.Cell>
              <Flex direction="column">
                <TextField.Root
                  size="1"
                  value={c.name}
                  disabled={!c.include}
                  onChange={(e) => edit(c.id, { name: e.target.value })}
                  aria-label={t('import.nameOf', { name: c.masked })}
                  aria-invalid={c.problem ? true : undefined}
                  data-testid="secret-name"
                />
                <ProblemText
                  problem={c.problem}
                  suggested={c.suggestedName}
                  onUse={(name) => edit(c.id, { name })}
                />
              </Flex>
            </Table.Cell>
            <Table.Cell>
              <Text size="1">{where(c)}</Text>
            </Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table.Root>
  )
}

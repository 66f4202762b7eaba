import { Button, Callout, Card, Code, Flex, Heading, Text } from '@radix-ui/themes'
import { call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { importNotes } from '../../lib/import-note-text'
import { attempt, notifySuccess } from '../../lib/notify'
import { useShell } from '../shell/store'
import { DiffView } from './DiffView'
import { useImport, type ImportOutcome } from './store'

/** What the import did: credentials created, upstream servers added, the rewritten file and its backup. */
export function ResultView({ result }: { result: ImportOutcome }) {
  const t = useT()
  const lang = useLanguage()
  const go = useShell((s) => s.go)
  const reset = useImport((s) => s.reset)
  return (
    <Card size="3" data-testid="import-result">
      <Flex direction="column" gap="4">
        <Callout.Root color="green">
          <Callout.Text>
            {t('import.done', { credentials: result.credentials.length, upstreams: result.upstreams.length })}
          </Callout.Text>
        </Callout.Root>
        {result.credentials.length > 0 && (
          <Flex direction="column" gap="1">
            <Heading as="h3" size="3">
              {t('import.createdCredentials')}
            </Heading>
            {result.credentials.map((c) => (
              <Text key={c.id} size="2" data-testid="result-credential">
                <Code variant="ghost">
                  {c.service}/{c.name}
                </Code>
              </Text>
            ))}
            <Text size="1" color="gray">
              {t('import.notValidated')}
            </Text>
          </Flex>
        )}
        {result.upstreams.length > 0 && (
          <Flex direction="column" gap="1">
            <Heading as="h3" size="3">
              {t('import.addedUpstreams')}
            </Heading>
            {result.upstreams.map((u) => (
              <Text key={u.name} size="2" data-testid="result-upstream">
                <Code variant="ghost">{u.name}</Code>{' '}
                {u.name !== u.from && t('import.from', { name: u.from })}
              </Text>
            ))}
          </Flex>
        )}
        {result.rewrite && (
          <Flex direction="column" gap="2">
            <Heading as="h3" size="3">
              {t('import.rewritten')}
            </Heading>
            <Text size="2">
              {t('import.rewrittenFile')} <Code variant="ghost">{result.rewrite.path}</Code>
            </Text>
            <Flex align="center" gap="3" wrap="wrap">
              <Text size="2" data-testid="import-backup-sealed">
                {t('import.backupKept')}
              </Text>
              <Button
                size="1"
                variant="soft"
                data-testid="import-restore"
                onClick={() => {
                  const path = result.rewrite!.path
                  void attempt(() => call('importConfig.restore', { path })).then(
                    (r) => r && notifySuccess(t('import.restored', { path: r.path })),
                  )
                }}
              >
                {t('import.restore')}
              </Button>
            </Flex>
            {result.token && (
              <Text size="2" color="gray">
                {t('import.tokenCreated', { name: result.token.name })}
              </Text>
            )}
            <DiffView diff={result.rewrite.diff} testId="import-result-diff" />
          </Flex>
        )}
        {result.warnings.length > 0 && (
          <Callout.Root color="amber" size="1">
            {importNotes(result.warnings, result.warningCodes, t, lang).map((w) => (
              <Callout.Text key={w} data-testid="import-result-warning">
                {w}
              </Callout.Text>
            ))}
          </Callout.Root>
        )}
        <Flex gap="2" wrap="wrap">
          <Button onClick={() => go('credentials')} data-testid="import-see-credentials">
            {t('import.seeCredentials')}
          </Button>
          <Button variant="soft" onClick={() => go('bridge')} data-testid="import-see-bridge">
            {t('import.seeBridge')}
          </Button>
          <Button variant="soft" color="gray" onClick={reset} data-testid="import-another">
            {t('import.another')}
          </Button>
        </Flex>
      </Flex>
    </Card>
  )
}

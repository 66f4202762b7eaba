import { Button, Card, Flex, Heading, Text } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { copyText } from '../../lib/clipboard'
import { attempt, notifySuccess } from '../../lib/notify'

/**
 * The structured log and a diagnostics bundle for bug reports: versions, settings without secrets and
 * the last errors (the log lines are scrubbed of every stored secret when they are written).
 */
export function LogsSection() {
  const t = useT()
  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Heading as="h2" size="4">
          {t('logs.title')}
        </Heading>
        <Text size="2" color="gray">
          {t('logs.help')}
        </Text>
        <Flex gap="3" wrap="wrap">
          <Button
            variant="soft"
            data-testid="open-logs-folder"
            onClick={() => void attempt(() => call('logs.openFolder'))}
          >
            {t('logs.openFolder')}
          </Button>
          <Button
            variant="soft"
            data-testid="copy-diagnostics"
            onClick={() =>
              void attempt(async () => {
                const d = await call('logs.diagnostics')
                await copyText(d.text)
                notifySuccess(t('logs.diagnosticsCopied'))
              })
            }
          >
            {t('logs.copyDiagnostics')}
          </Button>
        </Flex>
      </Flex>
    </Card>
  )
}

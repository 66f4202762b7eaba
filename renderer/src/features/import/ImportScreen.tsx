import { useEffect, useMemo, useState } from 'react'
import { Badge, Button, Callout, Card, Flex, Heading, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { importNotes } from '../../lib/import-note-text'
import { describeError } from '../../lib/notify'
import { useShell } from '../shell/store'
import { canApply, credentialViews, rewriteMoves, serverViews } from './edits'
import { ResultView } from './ResultView'
import { RewriteConfirmDialog } from './RewriteConfirmDialog'
import { RewritePanel } from './RewritePanel'
import { SecretsTable } from './SecretsTable'
import { ServersTable } from './ServersTable'
import { SourcePicker } from './SourcePicker'
import { useImport, type ImportPlan } from './store'

/** Import from an app: choose its config (or a .env file), review what was found, apply. */
export function ImportScreen() {
  const t = useT()
  const plan = useImport((s) => s.plan)
  const result = useImport((s) => s.result)
  const error = useImport((s) => s.error)
  const go = useShell((s) => s.go)
  // A finished import is not shown again: coming back starts a new one (a plan in progress is kept).
  useEffect(() => {
    if (useImport.getState().result) useImport.getState().reset()
  }, [])
  return (
    <Flex direction="column" gap="4" maxWidth="1100px">
      <Flex justify="between" align="center" gap="3">
        <Text color="gray" size="2">
          {t('import.intro')}
        </Text>
        <Button variant="ghost" color="gray" onClick={() => go('credentials')} data-testid="import-back">
          ← {t('import.back')}
        </Button>
      </Flex>
      {result ? (
        <ResultView result={result} />
      ) : (
        <>
          <SourcePicker />
          {plan ? <PlanView plan={plan} /> : <ErrorLine error={error} />}
        </>
      )}
    </Flex>
  )
}

function ErrorLine({ error }: { error: unknown }) {
  if (error === null) return null
  return (
    <Callout.Root color="red" role="alert" data-testid="import-config-error">
      <Callout.Text>{describeError(error)}</Callout.Text>
    </Callout.Root>
  )
}

function PlanView({ plan }: { plan: ImportPlan }) {
  const t = useT()
  const lang = useLanguage()
  const edits = useImport((s) => s.edits)
  const rewrite = useImport((s) => s.rewrite)
  const busy = useImport((s) => s.busy)
  const error = useImport((s) => s.error)
  const { setRewrite, apply, reset } = useImport.getState()
  const [confirming, setConfirming] = useState(false)
  const credentials = useMemo(() => credentialViews(plan, edits), [plan, edits])
  const servers = useMemo(() => serverViews(plan, edits), [plan, edits])
  const moves = useMemo(() => rewriteMoves(plan, edits), [plan, edits])
  const ready = canApply(plan, edits)
  const chosen = {
    credentials: credentials.filter((c) => c.include).length,
    upstreams: servers.filter((s) => s.include && s.action === 'upstream').length,
  }
  return (
    <Card size="3" data-testid="import-plan">
      <Flex direction="column" gap="4">
        <Flex direction="column" gap="1">
          <Flex gap="2" align="center">
            <Heading as="h2" size="4">
              {plan.file}
            </Heading>
            <Badge data-testid="import-app">{plan.app}</Badge>
          </Flex>
          <Text size="2" color="gray" data-testid="import-summary">
            {t('import.found', { secrets: plan.credentials.length, servers: plan.servers.length })}
          </Text>
        </Flex>
        {plan.warnings.length > 0 && (
          <Callout.Root color="amber" size="1">
            {importNotes(plan.warnings, plan.warningCodes, t, lang).map((w) => (
              <Callout.Text key={w} data-testid="import-warning">
                {w}
              </Callout.Text>
            ))}
          </Callout.Root>
        )}
        <Flex direction="column" gap="2">
          <Heading as="h3" size="3">
            {t('import.secretsTitle')}
          </Heading>
          <SecretsTable items={credentials} />
        </Flex>
        {plan.format !== 'dotenv' && (
          <Flex direction="column" gap="2">
            <Heading as="h3" size="3">
              {t('import.serversTitle')}
            </Heading>
            <ServersTable items={servers} />
          </Flex>
        )}
        <RewritePanel plan={plan} on={rewrite} onChange={setRewrite} moves={moves} />
        <ErrorLine error={error} />
        <Flex gap="2" align="center" wrap="wrap">
          <Button
            disabled={!ready}
            loading={busy === 'apply'}
            onClick={() => (rewrite ? setConfirming(true) : void apply())}
            data-testid="import-config-apply"
          >
            {t('import.apply', chosen)}
          </Button>
          <Button variant="soft" color="gray" onClick={reset}>
            {t('common.cancel')}
          </Button>
          <Text size="1" color="gray">
            {t('import.nothingYet')}
          </Text>
        </Flex>
      </Flex>
      {confirming && (
        <RewriteConfirmDialog plan={plan} chosen={chosen} onClose={() => setConfirming(false)} />
      )}
    </Card>
  )
}

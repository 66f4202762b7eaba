import { useEffect, useState } from 'react'
import { AlertDialog, Badge, Button, Code, DataList, Flex, Text } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { attempt } from '../../lib/notify'
import { useNow } from '../../lib/use-now'
import { useReturnFocus } from '../../lib/use-return-focus'
import { useBridge, watchBridge, type Approval, type Decision } from './store'

/** The "ask me" prompt: shown over any screen while a tool call waits for the user's answer. */
export function ApprovalDialog() {
  const approvals = useBridge((s) => s.approvals)
  useEffect(() => {
    void attempt(() => useBridge.getState().loadApprovals())
    return watchBridge()
  }, [])
  const current = approvals[0]
  return current ? <ApprovalPrompt current={current} waiting={approvals.length} /> : null
}

/**
 * One waiting call (the oldest). Mounted while calls wait, so focus goes back to what had it when
 * the first prompt appeared (the playground's Run button, say) once the last one is answered.
 */
function ApprovalPrompt({ current, waiting }: { current: Approval; waiting: number }) {
  const t = useT()
  const returnFocus = useReturnFocus()
  const [busy, setBusy] = useState<Decision | null>(null)
  const now = useNow(1000)

  async function decide(decision: Decision) {
    setBusy(decision)
    await attempt(() => useBridge.getState().decide(current.id, decision))
    setBusy(null)
  }
  const seconds = Math.max(0, Math.ceil((current.expiresAt - now) / 1000))
  return (
    <AlertDialog.Root open>
      <AlertDialog.Content
        maxWidth="560px"
        data-testid="approval-dialog"
        onEscapeKeyDown={(e) => e.preventDefault()}
        {...returnFocus}
      >
        <AlertDialog.Title>{t('approval.title')}</AlertDialog.Title>
        <AlertDialog.Description size="2">
          {t('approval.body', { client: current.client, tool: current.tool })}
        </AlertDialog.Description>
        <DataList.Root mt="3" size="2">
          <DataList.Item>
            <DataList.Label>{t('approval.client')}</DataList.Label>
            <DataList.Value data-testid="approval-client">{current.client}</DataList.Value>
          </DataList.Item>
          <DataList.Item>
            <DataList.Label>{t('approval.tool')}</DataList.Label>
            <DataList.Value>
              <Flex gap="2" align="center">
                <Code data-testid="approval-tool">{current.tool}</Code>
                <Badge>{t(`level.${current.requiredLevel}`)}</Badge>
              </Flex>
            </DataList.Value>
          </DataList.Item>
          <DataList.Item>
            <DataList.Label>{t('approval.arguments')}</DataList.Label>
            <DataList.Value>
              {/* Focusable: long arguments scroll, and a keyboard user must be able to read them all. */}
              <pre
                className="kb-snippet"
                data-testid="approval-arguments"
                tabIndex={0}
                aria-label={t('approval.arguments')}
                style={{ margin: 0, width: '100%' }}
              >
                {JSON.stringify(current.arguments, null, 2)}
              </pre>
              <Text as="p" size="1" color="gray" mt="1">
                {t('approval.secretsHidden')}
              </Text>
            </DataList.Value>
          </DataList.Item>
        </DataList.Root>
        <Text as="p" size="1" color="gray" mt="2">
          {t('approval.expires', { seconds })}
          {waiting > 1 ? ` · ${t('approval.more', { n: waiting - 1 })}` : ''}
        </Text>
        <Flex gap="3" mt="4" justify="end">
          <Button
            color="red"
            variant="soft"
            loading={busy === 'deny'}
            onClick={() => void decide('deny')}
            data-testid="approval-deny"
          >
            {t('approval.deny')}
          </Button>
          <Button
            variant="soft"
            loading={busy === 'always_allow'}
            onClick={() => void decide('always_allow')}
            data-testid="approval-always"
          >
            {t('approval.always')}
          </Button>
          <Button
            loading={busy === 'allow_once'}
            onClick={() => void decide('allow_once')}
            data-testid="approval-allow"
          >
            {t('approval.once')}
          </Button>
        </Flex>
      </AlertDialog.Content>
    </AlertDialog.Root>
  )
}

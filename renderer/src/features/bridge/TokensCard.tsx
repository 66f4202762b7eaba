import { useEffect, useState } from 'react'
import { Badge, Button, Card, Flex, Heading, Table, Text } from '@radix-ui/themes'
import { call, onEvent } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { attempt, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { CreateTokenDialog } from './CreateTokenDialog'
import { ConnectAppDialog } from './ConnectAppDialog'
import { TOOL_BUDGETS } from '../../../../shared/ipc/bridge'
import { useBridge, type Token } from './store'
import { useShell } from '../shell/store'

const STATUS_COLOR = { active: 'green', expired: 'orange', revoked: 'gray' } as const

/** How many tools a token exposes, flagged past what Cursor (40) or VS Code (128) accept. */
function ToolBudget({ count }: { count: number | null | undefined }) {
  const t = useT()
  if (count === null || count === undefined) return <Text color="gray">–</Text>
  const over = TOOL_BUDGETS.find((b) => count > b.limit)
  if (!over) return <Text>{count}</Text>
  return (
    <Badge
      color={over.limit >= 128 ? 'red' : 'orange'}
      title={t('tokens.toolsOver', { count, app: over.app, limit: over.limit })}
    >
      {count}
    </Badge>
  )
}

/** Client tokens: one per LLM app, shown once at creation, revocable. */
export function TokensCard() {
  const t = useT()
  const lang = useLanguage()
  const tokens = useBridge((s) => s.tokens)
  const now = useNow()
  const [creating, setCreating] = useState(false)
  const [revoking, setRevoking] = useState<Token | null>(null)
  const [connecting, setConnecting] = useState(false)
  const intent = useShell((s) => s.intent)
  useEffect(() => {
    if (useShell.getState().takeIntent('createToken')) setCreating(true)
    if (useShell.getState().takeIntent('connectApp')) setConnecting(true)
  }, [intent])
  // "Last used" and "Calls" follow the bridge's calls as they are recorded.
  useEffect(() => onEvent('bridge.callsRecorded', () => void useBridge.getState().loadTokens()), [])
  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Flex justify="between" align="center">
          <Heading as="h2" size="4">
            {t('tokens.title')}
          </Heading>
          <Flex gap="2" wrap="wrap">
            <Button
              variant="soft"
              onClick={() => useShell.getState().go('playground')}
              data-testid="playground-open"
            >
              {t('playground.open')}
            </Button>
            <Button variant="soft" onClick={() => setConnecting(true)} data-testid="connect-open">
              {t('connect.open')}
            </Button>
            <Button onClick={() => setCreating(true)} data-testid="token-create">
              + {t('tokens.create')}
            </Button>
          </Flex>
        </Flex>
        {tokens?.length === 0 ? (
          <Text color="gray" size="2" data-testid="tokens-empty">
            {t('tokens.empty')}
          </Text>
        ) : (
          <Table.Root size="1" variant="surface">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>{t('tokens.name')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('tokens.token')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('tokens.status')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('tokens.lastUsed')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('tokens.calls')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('tokens.tools')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell />
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {tokens?.map((tk) => (
                <Table.Row key={tk.id} data-testid="token-row">
                  <Table.RowHeaderCell>{tk.name}</Table.RowHeaderCell>
                  <Table.Cell>
                    <Text size="1" color="gray">
                      {tk.display}
                    </Text>
                  </Table.Cell>
                  <Table.Cell>
                    <Badge color={STATUS_COLOR[tk.status]}>{t(`tokens.status.${tk.status}`)}</Badge>
                  </Table.Cell>
                  <Table.Cell data-testid="token-last-used">
                    {relativeTime(tk.lastUsedAt, lang, now, t('common.never'))}
                  </Table.Cell>
                  <Table.Cell data-testid="token-calls">{tk.useCount}</Table.Cell>
                  <Table.Cell data-testid="token-tools">
                    <ToolBudget count={tk.toolCount} />
                  </Table.Cell>
                  <Table.Cell>
                    {tk.status === 'active' && (
                      <Button
                        size="1"
                        variant="soft"
                        color="red"
                        onClick={() => setRevoking(tk)}
                        data-testid="token-revoke"
                      >
                        {t('tokens.revoke')}
                      </Button>
                    )}
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        )}
      </Flex>
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} />}
      {connecting && <ConnectAppDialog onClose={() => setConnecting(false)} />}
      {revoking && (
        <ConfirmDialog
          title={t('tokens.revokeTitle', { name: revoking.name })}
          description={t('tokens.revokeBody')}
          confirmLabel={t('tokens.revoke')}
          onConfirm={() =>
            attempt(async () => {
              await call('bridge.tokens.revoke', { name: revoking.name })
              await useBridge.getState().loadTokens()
              notifySuccess(t('tokens.revoked', { name: revoking.name }))
            })
          }
          onClose={() => setRevoking(null)}
        />
      )}
    </Card>
  )
}

import { useEffect, useState } from 'react'
import { Badge, Button, Card, Code, Flex, Heading, Switch, Table, Text } from '@radix-ui/themes'
import { call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { upstreamErrorText } from '../../lib/upstream-error-text'
import { attempt, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { AddUpstreamDialog } from './AddUpstreamDialog'
import { AddRemoteUpstreamDialog } from './AddRemoteUpstreamDialog'
import { SignInButton } from './SignInButton'
import { useBridge, type Upstream } from './store'

const STATE_COLOR = {
  stopped: 'gray',
  starting: 'blue',
  running: 'green',
  backoff: 'amber',
  broken: 'red',
  needs_sign_in: 'orange',
} as const

/** MCP servers Keybridge starts itself, with secrets injected from the vault into their environment. */
export function UpstreamsCard() {
  const t = useT()
  const lang = useLanguage()
  const upstreams = useBridge((s) => s.upstreams)
  const bridgeRunning = useBridge((s) => s.status?.running ?? false)
  const [adding, setAdding] = useState(false)
  const [addingRemote, setAddingRemote] = useState(false)
  const [removing, setRemoving] = useState<Upstream | null>(null)
  const reload = () => useBridge.getState().loadUpstreams()
  // A server that is starting or retrying changes state on its own: follow it until it settles.
  const settling = upstreams?.some((u) => u.state === 'starting' || u.state === 'backoff') ?? false
  useEffect(() => {
    if (!settling) return
    const timer = setInterval(
      () =>
        void useBridge
          .getState()
          .loadUpstreams()
          .catch(() => {}),
      1000,
    )
    return () => clearInterval(timer)
  }, [settling])
  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Flex justify="between" align="center">
          <Heading as="h2" size="4">
            {t('upstream.title')}
          </Heading>
          <Flex gap="2">
            <Button variant="soft" onClick={() => setAdding(true)} data-testid="upstream-add">
              + {t('upstream.add')}
            </Button>
            <Button variant="soft" onClick={() => setAddingRemote(true)} data-testid="upstream-add-remote">
              + {t('upstream.remote.add')}
            </Button>
          </Flex>
        </Flex>
        {upstreams?.length === 0 ? (
          <Text color="gray" size="2">
            {t('upstream.empty')}
          </Text>
        ) : (
          <Table.Root size="1" variant="surface">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>{t('upstream.name')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('upstream.command')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('upstream.state')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>{t('upstream.tools')}</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell />
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {upstreams?.map((u) => (
                <Table.Row key={u.id} data-testid="upstream-row">
                  <Table.RowHeaderCell>{u.name}</Table.RowHeaderCell>
                  <Table.Cell>
                    <Code size="1">{u.remote ? u.remote.url : [u.command, ...u.args].join(' ')}</Code>
                    {u.remote && (
                      <Text
                        as="div"
                        size="1"
                        color="gray"
                        data-testid="upstream-remote-auth"
                        data-auth={u.remote.auth}
                      >
                        {t(`upstream.remote.auth.${u.remote.auth}`)}
                        {u.remote.grantExpiresAt
                          ? ` · ${t('upstream.remote.expires', { at: new Date(u.remote.grantExpiresAt).toLocaleString() })}`
                          : ''}
                      </Text>
                    )}
                    {u.env.length > 0 && (
                      <Text as="div" size="1" color="gray">
                        {u.env
                          .map((e) => (e.kind === 'reference' ? `${e.key}=${e.reference}` : `${e.key}=•••`))
                          .join('  ')}
                      </Text>
                    )}
                    {u.lastError && (
                      <Text
                        as="div"
                        size="1"
                        color="red"
                        data-testid="upstream-error"
                        data-code={u.lastErrorCode ?? undefined}
                      >
                        {upstreamErrorText(u, t, lang)}
                      </Text>
                    )}
                    {u.lastError && u.stderrTail.length > 0 && (
                      <details>
                        <summary>
                          <Text size="1">{t('upstream.stderr')}</Text>
                        </summary>
                        <pre className="kb-snippet" data-testid="upstream-stderr">
                          {u.stderrTail.slice(-8).join('\n')}
                        </pre>
                      </details>
                    )}
                    {!u.lastError && u.state === 'stopped' && !bridgeRunning && (
                      <Text as="div" size="1" color="gray">
                        {t('upstream.startsWithBridge')}
                      </Text>
                    )}
                  </Table.Cell>
                  <Table.Cell>
                    <Badge color={STATE_COLOR[u.state]} data-testid="upstream-state" data-state={u.state}>
                      {t(`upstream.state.${u.state}`)}
                    </Badge>
                    {u.restarts > 0 && (
                      <Text as="div" size="1" color="gray">
                        {t('upstream.restarts', { n: u.restarts })}
                      </Text>
                    )}
                  </Table.Cell>
                  <Table.Cell>
                    <span data-testid="upstream-tool-count">{u.toolCount}</span>
                    <Text as="label" size="1" color="gray" style={{ display: 'flex', gap: 6, marginTop: 4 }}>
                      <Switch
                        size="1"
                        checked={u.trustHints}
                        data-testid="upstream-trust"
                        aria-label={t('upstream.trustHints')}
                        onCheckedChange={(trusted) =>
                          void attempt(async () => {
                            await call('bridge.upstream.trust', { name: u.name, trusted })
                            await reload()
                            await useBridge.getState().loadTools()
                            notifySuccess(
                              t(trusted ? 'upstream.trusted' : 'upstream.untrusted', { name: u.name }),
                            )
                          })
                        }
                      />
                      {t('upstream.trustHints')}
                    </Text>
                  </Table.Cell>
                  <Table.Cell>
                    <Flex gap="2">
                      {u.remote && <SignInButton name={u.name} />}
                      <Button
                        size="1"
                        variant={u.enabled ? 'soft' : 'solid'}
                        data-testid="upstream-enable"
                        onClick={() =>
                          void attempt(async () => {
                            await call('bridge.upstream.setEnabled', { name: u.name, enabled: !u.enabled })
                            await reload()
                          })
                        }
                      >
                        {t(u.enabled ? 'upstream.disable' : 'upstream.enable')}
                      </Button>
                      <Button
                        size="1"
                        variant="soft"
                        onClick={() =>
                          void attempt(async () => {
                            await call('bridge.upstream.restart', { name: u.name })
                            await reload()
                            notifySuccess(t('upstream.restarted', { name: u.name }))
                          })
                        }
                      >
                        {t('upstream.restart')}
                      </Button>
                      <Button size="1" variant="soft" color="red" onClick={() => setRemoving(u)}>
                        {t('common.delete')}
                      </Button>
                    </Flex>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        )}
      </Flex>
      {adding && <AddUpstreamDialog onClose={() => setAdding(false)} />}
      {addingRemote && <AddRemoteUpstreamDialog onClose={() => setAddingRemote(false)} />}
      {removing && (
        <ConfirmDialog
          title={t('upstream.removeTitle', { name: removing.name })}
          description={t('upstream.removeBody')}
          confirmLabel={t('common.delete')}
          onConfirm={() =>
            attempt(async () => {
              await call('bridge.upstream.remove', { name: removing.name })
              await reload()
              notifySuccess(t('upstream.removed', { name: removing.name }))
            })
          }
          onClose={() => setRemoving(null)}
        />
      )}
    </Card>
  )
}

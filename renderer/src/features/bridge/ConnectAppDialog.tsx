import { useEffect, useState } from 'react'
import { Badge, Button, Callout, Code, Dialog, Flex, RadioCards, Spinner, Text } from '@radix-ui/themes'
import type { ChannelOutput } from '../../../../shared/ipc'
import type { ClientKind } from '../../../../shared/ipc/bridge'
import { call, onEvent } from '../../api'
import { useT } from '../../i18n'
import { copyText } from '../../lib/clipboard'
import { describeError, notifyError, notifySuccess } from '../../lib/notify'
import { useReturnFocus } from '../../lib/use-return-focus'
import { PathField } from '../../components/PathField'
import { ErrorCallout } from '../../components/Field'
import { useBridge } from './store'

export const APP_LABELS: Record<ClientKind, string> = {
  lmstudio: 'LM Studio',
  claude: 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
}
const APPS: ClientKind[] = ['lmstudio', 'claude', 'cursor', 'vscode']

type Snippet = ChannelOutput<'bridge.clientConfig'>
type Rewrite = NonNullable<ChannelOutput<'importConfig.apply'>['rewrite']>
type Session = ChannelOutput<'bridge.sessions'>[number]

/**
 * "Connect a first app": pick the app, get a fresh client token and that app's config (to paste, or
 * written into the app's config file for you, with undo), then wait until the app's first
 * `initialize` with that token arrives: the wait turns green with the app's own name.
 */
export function ConnectAppDialog({ onClose }: { onClose(): void }) {
  const returnFocus = useReturnFocus()
  const t = useT()
  const [app, setApp] = useState<ClientKind>('lmstudio')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [snippet, setSnippet] = useState<Snippet | null>(null)
  const [tokenValue, setTokenValue] = useState<string | null>(null)
  const [path, setPath] = useState('')
  const [rewrite, setRewrite] = useState<(Rewrite & { tokenName: string; tokenId: string }) | null>(null)
  const [connected, setConnected] = useState<Session | null>(null)
  const bridge = useBridge((s) => s.status)
  const tokenId = rewrite?.tokenId ?? snippet?.summary.id ?? null

  useEffect(() => {
    void useBridge.getState().load()
  }, [])

  // The wait: the event for a new session of this token, or a session already open (the app was quick).
  useEffect(() => {
    if (!tokenId) return
    let live = true
    void call('bridge.sessions').then(
      (list) => live && setConnected((c) => c ?? list.find((s) => s.tokenId === tokenId) ?? null),
      () => {},
    )
    const off = onEvent('bridge.sessionStarted', (s) => {
      if (s.tokenId === tokenId) setConnected(s)
    })
    return () => {
      live = false
      off()
    }
  }, [tokenId])

  async function createToken() {
    setBusy(true)
    setError(null)
    try {
      const name = await freeName(APP_LABELS[app])
      const r = await call('bridge.tokens.create', { name })
      setTokenValue(r.token)
      setSnippet(await call('bridge.clientConfig', { client: app, tokenName: name, token: r.token }))
      await useBridge.getState().loadTokens()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  async function writeForMe() {
    setBusy(true)
    setError(null)
    try {
      const plan = await call('importConfig.preview', { path })
      const tokenName = await freeName(APP_LABELS[app])
      const r = await call('importConfig.apply', {
        path,
        fingerprint: plan.fingerprint,
        rewrite: true,
        tokenName,
      })
      if (!r.rewrite || !r.token) throw new Error('not rewritten')
      setRewrite({ ...r.rewrite, tokenName: r.token.name, tokenId: r.token.id })
      notifySuccess(t('connect.written', { file: plan.file }))
      await useBridge.getState().load()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  async function undo() {
    if (!rewrite) return
    setBusy(true)
    try {
      // The original comes back from the copy sealed in the vault; the token written into it goes too.
      await call('importConfig.restore', { path: rewrite.path })
      await call('bridge.tokens.revoke', { name: rewrite.tokenName })
      setRewrite(null)
      setConnected(null)
      notifySuccess(t('connect.undone'))
      await useBridge.getState().load()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  async function copy(text: string) {
    try {
      await copyText(text)
      notifySuccess(t('tokens.copiedWhat', { what: APP_LABELS[app] }))
    } catch (e) {
      notifyError(e)
    }
  }

  const started = snippet !== null || rewrite !== null
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Content maxWidth="640px" {...returnFocus} data-testid="connect-dialog">
        <Dialog.Title>{t('connect.title')}</Dialog.Title>
        <Dialog.Description size="2" color="gray">
          {t('connect.intro')}
        </Dialog.Description>
        <Flex direction="column" gap="3" mt="3">
          <RadioCards.Root
            value={app}
            onValueChange={(v) => setApp(v as ClientKind)}
            columns={{ initial: '2', sm: '4' }}
            disabled={started}
            aria-label={t('connect.pickApp')}
          >
            {APPS.map((a) => (
              <RadioCards.Item key={a} value={a} data-testid={`connect-app-${a}`}>
                {APP_LABELS[a]}
              </RadioCards.Item>
            ))}
          </RadioCards.Root>

          {bridge && !bridge.running && (
            <Callout.Root color="amber" size="1">
              <Callout.Text>
                {t('connect.bridgeOff')}{' '}
                <Button
                  size="1"
                  variant="soft"
                  onClick={() =>
                    void call('bridge.start').then(
                      () => useBridge.getState().load(),
                      (e: unknown) => setError(e),
                    )
                  }
                  data-testid="connect-start-bridge"
                >
                  {t('bridge.start')}
                </Button>
              </Callout.Text>
            </Callout.Root>
          )}

          {!started && (
            <Flex direction="column" gap="3">
              <Flex gap="2" wrap="wrap">
                <Button loading={busy} onClick={() => void createToken()} data-testid="connect-create">
                  {t('connect.createSnippet', { app: APP_LABELS[app] })}
                </Button>
              </Flex>
              <Text size="2" weight="bold">
                {t('connect.orWrite', { app: APP_LABELS[app] })}
              </Text>
              <PathField
                value={path}
                onChange={setPath}
                request={{ kind: 'open', purpose: 'config', title: t('import.pickTitle') }}
                label={t('connect.configFile', { app: APP_LABELS[app] })}
                placeholder={t('connect.configPlaceholder')}
                testId="connect-path"
              />
              <Flex>
                <Button
                  variant="soft"
                  disabled={!path.trim()}
                  loading={busy}
                  onClick={() => void writeForMe()}
                  data-testid="connect-write"
                >
                  {t('connect.write')}
                </Button>
              </Flex>
            </Flex>
          )}

          {snippet && tokenValue && (
            <Flex direction="column" gap="2">
              <Text size="2" color="gray">
                {t('tokens.pasteInto', { file: snippet.fileHint })}
              </Text>
              <pre className="kb-snippet" data-testid="connect-snippet">
                {snippet.snippet}
              </pre>
              <Flex>
                <Button variant="soft" onClick={() => void copy(snippet.snippet)} data-testid="connect-copy">
                  {t('tokens.copySnippet', { app: APP_LABELS[app] })}
                </Button>
              </Flex>
            </Flex>
          )}

          {rewrite && (
            <Flex direction="column" gap="2" data-testid="connect-rewritten">
              <Text size="2">
                {t('connect.rewritten', { file: rewrite.path })} <Code size="1">{rewrite.backupPath}</Code>
              </Text>
              <Flex>
                <Button
                  variant="soft"
                  color="gray"
                  loading={busy}
                  onClick={() => void undo()}
                  data-testid="connect-undo"
                >
                  {t('connect.undo')}
                </Button>
              </Flex>
            </Flex>
          )}

          {started && (
            <Callout.Root
              color={connected ? 'green' : 'gray'}
              data-testid="connect-wait"
              data-connected={connected ? 'yes' : 'no'}
            >
              <Callout.Text>
                {connected ? (
                  <>
                    {t('connect.connected')}{' '}
                    <Badge color="green">{connected.clientName ?? APP_LABELS[app]}</Badge>
                  </>
                ) : (
                  <Flex as="span" gap="2" align="center">
                    <Spinner />
                    {t('connect.waiting', { app: APP_LABELS[app] })}
                  </Flex>
                )}
              </Callout.Text>
            </Callout.Root>
          )}
          <ErrorCallout error={error ? describeError(error) : null} testId="connect-error" />
          <Flex justify="end">
            <Dialog.Close>
              <Button variant={connected ? 'solid' : 'soft'} data-testid="connect-done">
                {t('common.done')}
              </Button>
            </Dialog.Close>
          </Flex>
        </Flex>
      </Dialog.Content>
    </Dialog.Root>
  )
}

/** "LM Studio", or "LM Studio 2" when that token name is taken. */
async function freeName(base: string): Promise<string> {
  const taken = new Set((await call('bridge.tokens.list')).map((t) => t.name.toLowerCase()))
  if (!taken.has(base.toLowerCase())) return base
  for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`.toLowerCase())) return `${base} ${n}`
}

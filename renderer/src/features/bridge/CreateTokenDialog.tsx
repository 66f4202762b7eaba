import { useState, type FormEvent } from 'react'
import { Button, Callout, Code, Dialog, Flex, Select, Tabs, Text } from '@radix-ui/themes'
import { ClientKind } from '../../../../shared/ipc/bridge'
import { call } from '../../api'
import type { ChannelOutput } from '../../../../shared/ipc'
import { useT } from '../../i18n'
import { copyText } from '../../lib/clipboard'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useAction } from '../../lib/use-action'
import { useBridge } from './store'
import { DialogFooter, ErrorCallout, TextInput } from '../../components/Field'
import { useReturnFocus } from '../../lib/use-return-focus'

type Snippet = ChannelOutput<'bridge.clientConfig'>
type Kind = Snippet['client']
const CLIENT_LABELS: Record<Kind, string> = {
  lmstudio: 'LM Studio',
  cursor: 'Cursor',
  claude: 'Claude Desktop',
  vscode: 'VS Code',
}
const EXPIRY = ['never', '30', '90', '365'] as const

/**
 * Name → create → the token and each app's config snippet, shown this once. The value lives only in
 * this dialog's state and is dropped when it closes.
 */
export function CreateTokenDialog({ onClose }: { onClose(): void }) {
  const returnFocus = useReturnFocus()
  const t = useT()
  const [name, setName] = useState('')
  const [expiry, setExpiry] = useState<(typeof EXPIRY)[number]>('never')
  // Empty = no quota.
  const [daily, setDaily] = useState('')
  const [monthly, setMonthly] = useState('')
  const { busy, error, run } = useAction()
  const [created, setCreated] = useState<{ token: string; snippets: Snippet[] } | null>(null)

  function submit(e: FormEvent) {
    e.preventDefault()
    return run(async () => {
      const quota = (v: string) => (v.trim() === '' ? null : Number(v))
      const r = await call('bridge.tokens.create', {
        name,
        expiresInDays: expiry === 'never' ? null : Number(expiry),
        dailyQuota: quota(daily),
        monthlyQuota: quota(monthly),
      })
      const snippets = await Promise.all(
        ClientKind.options.map((client) =>
          call('bridge.clientConfig', { client, tokenName: r.summary.name, token: r.token }),
        ),
      )
      setCreated({ token: r.token, snippets })
      await useBridge.getState().loadTokens()
    })
  }

  async function copy(text: string, what: string) {
    try {
      await copyText(text)
      notifySuccess(t('tokens.copiedWhat', { what }))
    } catch (e) {
      notifyError(e)
    }
  }

  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Content maxWidth="640px" {...returnFocus}>
        <Dialog.Title>{created ? t('tokens.createdTitle') : t('tokens.create')}</Dialog.Title>
        {!created ? (
          <form onSubmit={(e) => void submit(e)}>
            <Dialog.Description size="2" color="gray">
              {t('tokens.createHelp')}
            </Dialog.Description>
            <Flex direction="column" gap="3" mt="3">
              <TextInput
                label={t('tokens.name')}
                value={name}
                placeholder="LM Studio"
                onValue={setName}
                testId="token-name"
                autoFocus
              />
              <Flex align="center" gap="3">
                <Text size="2" id="expiry-label">
                  {t('tokens.expires')}
                </Text>
                <Select.Root value={expiry} onValueChange={(v) => setExpiry(v as (typeof EXPIRY)[number])}>
                  <Select.Trigger aria-labelledby="expiry-label" />
                  <Select.Content>
                    {EXPIRY.map((d) => (
                      <Select.Item key={d} value={d}>
                        {d === 'never' ? t('common.never') : t('tokens.days', { n: d })}
                      </Select.Item>
                    ))}
                  </Select.Content>
                </Select.Root>
              </Flex>
              <Flex gap="3">
                <TextInput
                  label={t('tokens.dailyQuota')}
                  type="number"
                  min={1}
                  step={1}
                  value={daily}
                  placeholder={t('tokens.noQuota')}
                  onValue={setDaily}
                  testId="token-daily-quota"
                />
                <TextInput
                  label={t('tokens.monthlyQuota')}
                  type="number"
                  min={1}
                  step={1}
                  value={monthly}
                  placeholder={t('tokens.noQuota')}
                  onValue={setMonthly}
                  testId="token-monthly-quota"
                />
              </Flex>
              <Text size="1" color="gray">
                {t('tokens.quotaHelp')}
              </Text>
              <ErrorCallout error={error} />
              <DialogFooter>
                <Button type="submit" loading={busy} data-testid="token-submit">
                  {t('tokens.create')}
                </Button>
              </DialogFooter>
            </Flex>
          </form>
        ) : (
          <Flex direction="column" gap="3">
            <Callout.Root color="amber">
              <Callout.Text>{t('tokens.shownOnce')}</Callout.Text>
            </Callout.Root>
            <Flex align="center" gap="2">
              <Code data-testid="token-value" style={{ wordBreak: 'break-all', flex: 1 }}>
                {created.token}
              </Code>
              <Button size="1" variant="soft" onClick={() => void copy(created.token, t('tokens.token'))}>
                {t('common.copy')}
              </Button>
            </Flex>
            <Tabs.Root defaultValue="lmstudio">
              <Tabs.List>
                {created.snippets.map((s) => (
                  <Tabs.Trigger key={s.client} value={s.client}>
                    {CLIENT_LABELS[s.client]}
                  </Tabs.Trigger>
                ))}
              </Tabs.List>
              {created.snippets.map((s) => (
                <Tabs.Content key={s.client} value={s.client}>
                  <Flex direction="column" gap="2" mt="3">
                    <Text size="2" color="gray">
                      {t('tokens.pasteInto', { file: s.fileHint })}
                    </Text>
                    <pre className="kb-snippet" data-testid={`snippet-${s.client}`}>
                      {s.snippet}
                    </pre>
                    <Flex>
                      <Button
                        variant="soft"
                        onClick={() => void copy(s.snippet, CLIENT_LABELS[s.client])}
                        data-testid={`copy-snippet-${s.client}`}
                      >
                        {t('tokens.copySnippet', { app: CLIENT_LABELS[s.client] })}
                      </Button>
                    </Flex>
                  </Flex>
                </Tabs.Content>
              ))}
            </Tabs.Root>
            <Flex justify="end">
              <Dialog.Close>
                <Button data-testid="token-done">{t('common.done')}</Button>
              </Dialog.Close>
            </Flex>
          </Flex>
        )}
      </Dialog.Content>
    </Dialog.Root>
  )
}

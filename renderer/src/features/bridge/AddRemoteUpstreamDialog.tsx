import { useState, type FormEvent } from 'react'
import { Button, Checkbox, Dialog, Flex, Select, Text, TextArea, TextField } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { describeError, notifySuccess } from '../../lib/notify'
import { DialogFooter, ErrorCallout, Field } from '../../components/Field'
import { useReturnFocus } from '../../lib/use-return-focus'
import { useBridge } from './store'

/**
 * "Add a remote server": a URL (Streamable HTTP or legacy SSE) and optional headers, one `Name: Value`
 * a line (values may be `{{credential:service/name.field}}`). A server that asks for OAuth shows
 * "Sign in" in the list afterwards.
 */
export function AddRemoteUpstreamDialog({ onClose }: { onClose(): void }) {
  const t = useT()
  const returnFocus = useReturnFocus()
  const [name, setName] = useState('')
  const [url, setUrl] = useState('')
  const [transport, setTransport] = useState<'streamable-http' | 'sse'>('streamable-http')
  const [headers, setHeaders] = useState('')
  const [allowHttp, setAllowHttp] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [checked, setChecked] = useState<string | null>(null)

  const parseHeaders = () =>
    Object.fromEntries(
      headers
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
          const i = l.indexOf(':')
          if (i <= 0) throw new Error(t('upstream.remote.badHeader', { line: l.slice(0, 40) }))
          return [l.slice(0, i).trim(), l.slice(i + 1).trim()]
        }),
    )

  /** Connects once as the bridge would (servers that need OAuth: sign in after adding). */
  async function check() {
    setBusy(true)
    setError(null)
    setChecked(null)
    try {
      const p = await call('bridge.upstream.probe', { url, transport, headers: parseHeaders(), allowHttp })
      setChecked(
        t('upstream.remote.checked', { name: `${p.serverName} ${p.serverVersion}`, n: p.tools.length }),
      )
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const parsed = parseHeaders()
      await call('bridge.upstream.addRemote', { name, url, transport, headers: parsed, allowHttp })
      await useBridge.getState().loadUpstreams()
      notifySuccess(t('upstream.added', { name }))
      onClose()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Content maxWidth="620px" data-testid="remote-dialog" {...returnFocus}>
        <Dialog.Title>{t('upstream.remote.add')}</Dialog.Title>
        <Dialog.Description size="2" color="gray">
          {t('upstream.remote.help')}
        </Dialog.Description>
        <form onSubmit={(e) => void submit(e)}>
          <Flex direction="column" gap="3" mt="3">
            <Field label={t('upstream.name')}>
              <TextField.Root
                value={name}
                placeholder="linear"
                onChange={(e) => setName(e.target.value)}
                data-testid="remote-name"
              />
            </Field>
            <Field label={t('upstream.remote.url')}>
              <TextField.Root
                value={url}
                placeholder="https://mcp.example.com/mcp"
                onChange={(e) => setUrl(e.target.value)}
                data-testid="remote-url"
              />
            </Field>
            <Field label={t('upstream.remote.transport')}>
              <Select.Root value={transport} onValueChange={(v) => setTransport(v as typeof transport)}>
                <Select.Trigger aria-label={t('upstream.remote.transport')} />
                <Select.Content>
                  <Select.Item value="streamable-http">Streamable HTTP</Select.Item>
                  <Select.Item value="sse">HTTP + SSE (legacy)</Select.Item>
                </Select.Content>
              </Select.Root>
            </Field>
            <Field label={t('upstream.remote.headers')}>
              <TextArea
                value={headers}
                rows={3}
                placeholder="Authorization: Bearer {{credential:github/personal.token}}"
                onChange={(e) => setHeaders(e.target.value)}
                data-testid="remote-headers"
              />
            </Field>
            <Text as="label" size="2">
              <Flex gap="2" align="center">
                <Checkbox
                  checked={allowHttp}
                  onCheckedChange={(v) => setAllowHttp(v === true)}
                  data-testid="remote-allow-http"
                />
                {t('upstream.remote.allowHttp')}
              </Flex>
            </Text>
            {checked && (
              <Text size="2" color="green" data-testid="remote-checked">
                {checked}
              </Text>
            )}
            <ErrorCallout error={error} testId="remote-error" />
            <DialogFooter>
              <Button
                type="button"
                variant="soft"
                loading={busy}
                onClick={() => void check()}
                data-testid="remote-check"
              >
                {t('upstream.remote.check')}
              </Button>
              <Button type="submit" loading={busy} data-testid="remote-submit">
                {t('common.add')}
              </Button>
            </DialogFooter>
          </Flex>
        </form>
      </Dialog.Content>
    </Dialog.Root>
  )
}

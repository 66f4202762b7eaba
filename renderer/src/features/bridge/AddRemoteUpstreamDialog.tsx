import { useState } from 'react'
import { Button, Checkbox, Flex, Select, Text, TextArea } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { notifySuccess } from '../../lib/notify'
import { FormProblem, useAction } from '../../lib/use-action'
import { DialogFooter, ErrorCallout, Field, FormDialog, TextInput } from '../../components/Field'
import { useBridge } from './store'

/**
 * "Add a remote server": a URL (Streamable HTTP or legacy SSE) and optional headers, one `Name: Value`
 * a line (values may be `{{credential:service/name.field}}`). A server that asks for OAuth shows
 * "Sign in" in the list afterwards.
 */
export function AddRemoteUpstreamDialog({ onClose }: { onClose(): void }) {
  const t = useT()
  const [name, setName] = useState('')
  const [url, setUrl] = useState('')
  const [transport, setTransport] = useState<'streamable-http' | 'sse'>('streamable-http')
  const [headers, setHeaders] = useState('')
  const [allowHttp, setAllowHttp] = useState(false)
  const { busy, error, run } = useAction()
  const [checked, setChecked] = useState<string | null>(null)

  const parseHeaders = () =>
    Object.fromEntries(
      headers
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
          const i = l.indexOf(':')
          if (i <= 0) throw new FormProblem(t('upstream.remote.badHeader', { line: l.slice(0, 40) }))
          return [l.slice(0, i).trim(), l.slice(i + 1).trim()]
        }),
    )

  /** Connects once as the bridge would (servers that need OAuth: sign in after adding). */
  const check = () => {
    setChecked(null)
    return run(async () => {
      const p = await call('bridge.upstream.probe', { url, transport, headers: parseHeaders(), allowHttp })
      setChecked(
        t('upstream.remote.checked', { name: `${p.serverName} ${p.serverVersion}`, n: p.tools.length }),
      )
    })
  }

  const submit = () =>
    run(async () => {
      await call('bridge.upstream.addRemote', { name, url, transport, headers: parseHeaders(), allowHttp })
      await useBridge.getState().loadUpstreams()
      notifySuccess(t('upstream.added', { name }))
      onClose()
    })

  return (
    <FormDialog
      title={t('upstream.remote.add')}
      description={t('upstream.remote.help')}
      maxWidth="620px"
      testId="remote-dialog"
      onClose={onClose}
      onSubmit={submit}
    >
      <TextInput
        label={t('upstream.name')}
        value={name}
        placeholder="linear"
        onValue={setName}
        testId="remote-name"
      />
      <TextInput
        label={t('upstream.remote.url')}
        value={url}
        placeholder="https://mcp.example.com/mcp"
        onValue={setUrl}
        testId="remote-url"
      />
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
          <Checkbox checked={allowHttp} onCheckedChange={(v) => setAllowHttp(v === true)} />
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
    </FormDialog>
  )
}

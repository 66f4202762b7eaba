import { useEffect, useState, type FormEvent } from 'react'
import { Button, Dialog, Flex, IconButton, Select, Text, TextArea, TextField } from '@radix-ui/themes'
import { credentialRef } from '../../../../shared/models/credential'
import { useT } from '../../i18n'
import { describeError, notifySuccess } from '../../lib/notify'
import { useCredentials } from '../credentials/store'
import { call } from '../../api'
import { useBridge } from './store'
import { DialogFooter, ErrorCallout, Field } from '../../components/Field'
import { useReturnFocus } from '../../lib/use-return-focus'

interface EnvRow {
  key: string
  /** `{{credential:service/name.field}}` picked from the vault, or literal text. */
  value: string
  source: 'credential' | 'literal'
}

const LITERAL = '__literal'

/** Name, command, arguments and environment; env values are usually picked from stored credentials. */
export function AddUpstreamDialog({ onClose }: { onClose(): void }) {
  const returnFocus = useReturnFocus()
  const t = useT()
  const credentials = useCredentials((s) => s.items)
  const [name, setName] = useState('')
  const [command, setCommand] = useState('')
  const [args, setArgs] = useState('')
  const [env, setEnv] = useState<EnvRow[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!credentials) void useCredentials.getState().load()
  }, [credentials])

  const refs = (credentials ?? []).flatMap((c) =>
    c.secretFields.map((field) => `{{credential:${credentialRef(c)}.${field}}}`),
  )
  const patch = (i: number, p: Partial<EnvRow>) => setEnv(env.map((r, j) => (i === j ? { ...r, ...p } : r)))

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await call('bridge.upstream.add', {
        name,
        command,
        args: args
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean),
        env: Object.fromEntries(env.filter((r) => r.key).map((r) => [r.key, r.value])),
      })
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
      <Dialog.Content maxWidth="620px" {...returnFocus}>
        <Dialog.Title>{t('upstream.add')}</Dialog.Title>
        <Dialog.Description size="2" color="gray">
          {t('upstream.help')}
        </Dialog.Description>
        <form onSubmit={(e) => void submit(e)}>
          <Flex direction="column" gap="3" mt="3">
            <Field label={t('upstream.name')}>
              <TextField.Root
                value={name}
                placeholder="github"
                onChange={(e) => setName(e.target.value)}
                data-testid="upstream-name"
              />
            </Field>
            <Field label={t('upstream.command')}>
              <TextField.Root
                value={command}
                placeholder="npx"
                onChange={(e) => setCommand(e.target.value)}
                data-testid="upstream-command"
              />
            </Field>
            <Field label={t('upstream.args')}>
              <TextArea
                value={args}
                rows={3}
                onChange={(e) => setArgs(e.target.value)}
                data-testid="upstream-args"
              />
            </Field>
            <Text size="2" weight="bold">
              {t('upstream.env')}
            </Text>
            {env.map((row, i) => (
              <Flex gap="2" key={i} align="center">
                <TextField.Root
                  placeholder="GITHUB_TOKEN"
                  aria-label={t('upstream.envKey')}
                  data-testid="env-key"
                  value={row.key}
                  onChange={(e) => patch(i, { key: e.target.value })}
                  style={{ width: 170 }}
                />
                <Select.Root
                  value={row.source === 'literal' ? LITERAL : row.value || undefined}
                  onValueChange={(v) =>
                    patch(
                      i,
                      v === LITERAL ? { source: 'literal', value: '' } : { source: 'credential', value: v },
                    )
                  }
                >
                  <Select.Trigger
                    placeholder={t('upstream.pickCredential')}
                    aria-label={t('upstream.envValue')}
                    style={{ flex: 1 }}
                    data-testid="env-value"
                  />
                  <Select.Content>
                    {refs.map((r) => (
                      <Select.Item key={r} value={r}>
                        {r.slice('{{credential:'.length, -2)}
                      </Select.Item>
                    ))}
                    <Select.Separator />
                    <Select.Item value={LITERAL}>{t('upstream.literal')}</Select.Item>
                  </Select.Content>
                </Select.Root>
                {row.source === 'literal' && (
                  <TextField.Root
                    type="password"
                    aria-label={t('upstream.envValue')}
                    value={row.value}
                    onChange={(e) => patch(i, { value: e.target.value })}
                  />
                )}
                <IconButton
                  type="button"
                  variant="ghost"
                  color="red"
                  aria-label={t('common.delete')}
                  onClick={() => setEnv(env.filter((_, j) => j !== i))}
                >
                  ×
                </IconButton>
              </Flex>
            ))}
            <Flex>
              <Button
                type="button"
                size="1"
                variant="soft"
                onClick={() => setEnv([...env, { key: '', value: '', source: 'credential' }])}
                data-testid="env-add"
              >
                + {t('upstream.addEnv')}
              </Button>
            </Flex>
            <ErrorCallout error={error} />
            <DialogFooter>
              <Button type="submit" loading={busy} data-testid="upstream-submit">
                {t('common.add')}
              </Button>
            </DialogFooter>
          </Flex>
        </form>
      </Dialog.Content>
    </Dialog.Root>
  )
}

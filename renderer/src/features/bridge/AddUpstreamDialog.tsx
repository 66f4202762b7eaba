import { useEffect, useState } from 'react'
import { Button, Flex, IconButton, Select, Text, TextArea, TextField } from '@radix-ui/themes'
import { credentialRef } from '../../../../shared/models/credential'
import { useT } from '../../i18n'
import { notifySuccess } from '../../lib/notify'
import { useAction } from '../../lib/use-action'
import { useCredentials } from '../credentials/store'
import { call } from '../../api'
import { useBridge } from './store'
import { DialogFooter, ErrorCallout, Field, FormDialog, TextInput } from '../../components/Field'

interface EnvRow {
  key: string
  /** `{{credential:service/name.field}}` picked from the vault, or literal text. */
  value: string
  source: 'credential' | 'literal'
}

const LITERAL = '__literal'

/** Name, command, arguments and environment; env values are usually picked from stored credentials. */
export function AddUpstreamDialog({ onClose }: { onClose(): void }) {
  const t = useT()
  const credentials = useCredentials((s) => s.items)
  const [name, setName] = useState('')
  const [command, setCommand] = useState('')
  const [args, setArgs] = useState('')
  const [env, setEnv] = useState<EnvRow[]>([])
  const { busy, error, run } = useAction()
  useEffect(() => {
    if (!credentials) void useCredentials.getState().load()
  }, [credentials])

  const refs = (credentials ?? []).flatMap((c) =>
    c.secretFields.map((field) => `{{credential:${credentialRef(c)}.${field}}}`),
  )
  const patch = (i: number, p: Partial<EnvRow>) => setEnv(env.map((r, j) => (i === j ? { ...r, ...p } : r)))

  const submit = () =>
    run(async () => {
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
    })

  return (
    <FormDialog
      title={t('upstream.add')}
      description={t('upstream.help')}
      maxWidth="620px"
      onClose={onClose}
      onSubmit={submit}
    >
      <TextInput
        label={t('upstream.name')}
        value={name}
        placeholder="github"
        onValue={setName}
        testId="upstream-name"
      />
      <TextInput
        label={t('upstream.command')}
        value={command}
        placeholder="npx"
        onValue={setCommand}
        testId="upstream-command"
      />
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
              patch(i, v === LITERAL ? { source: 'literal', value: '' } : { source: 'credential', value: v })
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
    </FormDialog>
  )
}

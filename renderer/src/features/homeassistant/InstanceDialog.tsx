import { useState, type FormEvent } from 'react'
import { Button, Dialog, Flex, Spinner, TextField } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { describeError, notifySuccess } from '../../lib/notify'
import { DomainPicker } from './DomainPicker'
import { ProbeSummary } from './ProbeSummary'
import { useHomeAssistant, type HaInstance, type HaProbe } from './store'
import { DialogFooter, ErrorCallout, Field } from '../../components/Field'
import { useReturnFocus } from '../../lib/use-return-focus'

/** Add or edit an instance; "Test connection" probes before anything is saved. */
export function InstanceDialog(props: { instance: HaInstance | null; onClose(): void }) {
  const returnFocus = useReturnFocus()
  const t = useT()
  const editing = props.instance
  const [name, setName] = useState(editing?.name ?? '')
  const [url, setUrl] = useState(editing?.url ?? '')
  const [token, setToken] = useState('')
  const [domains, setDomains] = useState<string[]>(editing?.allowedDomains ?? [])
  const [probe, setProbe] = useState<HaProbe | null>(null)
  const [testing, setTesting] = useState(false)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function test() {
    if (!token) return setError(t('ha.tokenNeededForTest'))
    setTesting(true)
    setError(null)
    try {
      setProbe(await call('homeassistant.test', { url, token }))
    } catch (e) {
      setError(describeError(e))
    } finally {
      setTesting(false)
    }
  }

  async function save(e: FormEvent, validate = true) {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const store = useHomeAssistant.getState()
      const r = editing
        ? await store.update({
            id: editing.id,
            name,
            url,
            token: token || undefined,
            allowedDomains: domains,
            validate,
          })
        : await store.add({ name, url, token, allowedDomains: domains, validate })
      if (r.probe) setProbe(r.probe)
      notifySuccess(t('ha.saved', { name: r.instance.name }))
      props.onClose()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <Dialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <Dialog.Content maxWidth="560px" {...returnFocus}>
        <Dialog.Title>{editing ? t('ha.editTitle', { name: editing.name }) : t('ha.addTitle')}</Dialog.Title>
        <Dialog.Description size="2" color="gray">
          {t('ha.formHelp')}
        </Dialog.Description>
        <form onSubmit={(e) => void save(e)}>
          <Flex direction="column" gap="3" mt="3">
            <Field label={t('ha.name')}>
              <TextField.Root value={name} onChange={(e) => setName(e.target.value)} data-testid="ha-name" />
            </Field>
            <Field label={t('ha.url')}>
              <TextField.Root
                value={url}
                placeholder="http://homeassistant.local:8123"
                onChange={(e) => setUrl(e.target.value)}
                data-testid="ha-url"
              />
            </Field>
            <Field label={t('ha.token')}>
              <TextField.Root
                type="password"
                value={token}
                placeholder={editing ? t('ha.tokenKeep') : ''}
                onChange={(e) => setToken(e.target.value)}
                data-testid="ha-token"
                autoComplete="off"
              />
            </Field>
            <Flex align="center" gap="3">
              <Button
                type="button"
                variant="soft"
                onClick={() => void test()}
                disabled={testing || !url}
                data-testid="ha-test"
              >
                {t('ha.test')}
              </Button>
              {testing && <Spinner />}
            </Flex>
            {probe && <ProbeSummary probe={probe} />}
            {editing && <DomainPicker instanceId={editing.id} value={domains} onChange={setDomains} />}
            <ErrorCallout error={error} testId="ha-error" />
            <DialogFooter>
              {error && (
                <Button type="button" variant="soft" color="amber" onClick={(e) => void save(e, false)}>
                  {t('common.saveAnyway')}
                </Button>
              )}
              <Button type="submit" loading={saving} data-testid="ha-save">
                {t('common.save')}
              </Button>
            </DialogFooter>
          </Flex>
        </form>
      </Dialog.Content>
    </Dialog.Root>
  )
}

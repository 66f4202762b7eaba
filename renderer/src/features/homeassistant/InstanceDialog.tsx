import { useState } from 'react'
import { Button, Flex, Spinner } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { describeError, notifySuccess } from '../../lib/notify'
import { DomainPicker } from './DomainPicker'
import { ProbeSummary } from './ProbeSummary'
import { useHomeAssistant, type HaInstance, type HaProbe } from './store'
import { DialogFooter, ErrorCallout, FormDialog, TextInput } from '../../components/Field'

/** Add or edit an instance; "Test connection" probes before anything is saved. */
export function InstanceDialog(props: { instance: HaInstance | null; onClose(): void }) {
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

  async function save(validate = true) {
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
    <FormDialog
      title={editing ? t('ha.editTitle', { name: editing.name }) : t('ha.addTitle')}
      description={t('ha.formHelp')}
      maxWidth="560px"
      onClose={props.onClose}
      onSubmit={() => save()}
    >
      <TextInput label={t('ha.name')} value={name} onValue={setName} testId="ha-name" />
      <TextInput
        label={t('ha.url')}
        value={url}
        placeholder="http://homeassistant.local:8123"
        onValue={setUrl}
        testId="ha-url"
      />
      <TextInput
        label={t('ha.token')}
        type="password"
        value={token}
        placeholder={editing ? t('ha.tokenKeep') : ''}
        onValue={setToken}
        testId="ha-token"
        autoComplete="off"
      />
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
          <Button type="button" variant="soft" color="amber" onClick={() => void save(false)}>
            {t('common.saveAnyway')}
          </Button>
        )}
        <Button type="submit" loading={saving} data-testid="ha-save">
          {t('common.save')}
        </Button>
      </DialogFooter>
    </FormDialog>
  )
}

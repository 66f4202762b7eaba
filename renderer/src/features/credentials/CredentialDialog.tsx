import { useEffect, useRef, useState } from 'react'
import { Badge, Button, Callout, Flex, Select, Spinner, Text, TextField } from '@radix-ui/themes'
import { ApiError, call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { validationText } from '../../lib/error-text'
import { catalogText } from '../../i18n/catalog'
import { describeError, notifySuccess } from '../../lib/notify'
import { OAuthConnect } from './OAuthConnect'
import { useCredentials, type Credential, type Service, type Validation } from './store'
import { DialogFooter, ErrorCallout, Field, FormDialog, TextInput } from '../../components/Field'

const TEST_DELAY_MS = 700

/**
 * Add or edit a credential. The form is generated from the service's catalog fields; once every
 * required field is filled it is checked against the service (debounced), and saving validates
 * again: a failure shows the service's exact error and offers "Save anyway".
 */
export function CredentialDialog(props: { service?: string; credential?: Credential; onClose(): void }) {
  const lang = useLanguage()
  const t = useT()
  const catalog = useCredentials((s) => s.catalog) ?? []
  const editing = props.credential
  const [serviceId, setServiceId] = useState(editing?.service ?? props.service ?? '')
  const service = catalog.find((s) => s.id === serviceId)
  const [name, setName] = useState(editing?.name ?? '')
  const [values, setValues] = useState<Record<string, string>>(editing?.fields ?? {})
  const [check, setCheck] = useState<{ busy: boolean; result: Validation | null }>({
    busy: false,
    result: null,
  })
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [canForce, setCanForce] = useState(false)
  const seq = useRef(0)

  const complete =
    !!service &&
    service.fields.every((f) => f.optional || (values[f.key] ?? '').trim() !== '' || (editing && f.secret))
  const secretsGiven =
    !!service && service.fields.filter((f) => f.secret && !f.optional).every((f) => values[f.key])
  const canTest = complete && secretsGiven

  // Live validation: test the values once the user pauses typing; a newer test wins.
  useEffect(() => {
    if (!canTest || !service) return
    const mine = ++seq.current
    const timer = setTimeout(async () => {
      setCheck({ busy: true, result: null })
      try {
        const result = await call('credentials.test', { service: service.id, fields: values })
        if (seq.current === mine) setCheck({ busy: false, result })
      } catch (e) {
        if (seq.current === mine) {
          setCheck({ busy: false, result: null })
          setError(describeError(e))
        }
      }
    }, TEST_DELAY_MS)
    return () => clearTimeout(timer)
  }, [canTest, service, values])

  function setField(key: string, value: string) {
    setValues((v) => ({ ...v, [key]: value }))
    setError(null)
    setCanForce(false)
    seq.current++
    setCheck({ busy: false, result: null })
  }

  async function save(saveAnyway = false) {
    if (!service) return
    setSaving(true)
    setError(null)
    try {
      // Secret fields left empty while editing keep their stored value.
      const fields = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''))
      const r = editing
        ? await call('credentials.update', { id: editing.id, name, fields, saveAnyway })
        : await call('credentials.create', { service: service.id, name, fields, saveAnyway })
      await useCredentials.getState().load()
      notifySuccess(
        r.credential.account
          ? t('credentials.savedAs', { name: r.credential.name, account: r.credential.account })
          : t('credentials.saved', { name: r.credential.name }),
      )
      props.onClose()
    } catch (err) {
      setError(describeError(err))
      setCanForce(err instanceof ApiError && err.code === 'VALIDATION_FAILED')
    } finally {
      setSaving(false)
    }
  }

  const oauthOnly = service?.authKind === 'oauth2' && service.fields.length === 0
  return (
    <FormDialog
      title={editing ? t('credentials.editTitle', { name: editing.name }) : t('credentials.addTitle')}
      description={t('credentials.formHelp')}
      maxWidth="560px"
      testId="credential-dialog"
      onClose={props.onClose}
      onSubmit={() => save()}
    >
      <Field label={t('credentials.col.service')}>
        <Select.Root
          value={serviceId || undefined}
          disabled={!!editing}
          onValueChange={(v) => {
            setServiceId(v)
            setValues({})
            setCheck({ busy: false, result: null })
          }}
        >
          <Select.Trigger
            placeholder={t('credentials.pickService')}
            style={{ width: '100%' }}
            data-testid="service-select"
          />
          <Select.Content>
            {catalog.map((s) => (
              <Select.Item key={s.id} value={s.id}>
                {s.name}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
      </Field>
      {service && (
        <>
          <TextInput
            label={t('credentials.accountName')}
            value={name}
            placeholder={t('credentials.accountNamePlaceholder')}
            onValue={setName}
            testId="credential-name"
          />
          {service.fields.map((f) => (
            <label key={f.key}>
              <Text as="div" size="2" weight="bold" mb="1">
                {catalogText(service.id, f.key, 'label', f.label, lang)}
                {f.optional && (
                  <Text weight="regular" color="gray">
                    {' '}
                    ({t('credentials.optional')})
                  </Text>
                )}
              </Text>
              <TextField.Root
                type={
                  f.secret ? 'password' : f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : 'text'
                }
                autoComplete="off"
                spellCheck={false}
                value={values[f.key] ?? ''}
                placeholder={
                  editing && f.secret
                    ? t('credentials.secretKeep')
                    : catalogText(service.id, f.key, 'placeholder', f.placeholder ?? '', lang)
                }
                onChange={(e) => setField(f.key, e.target.value)}
                data-testid={`field-${f.key}`}
              />
              {f.hint && (
                <Text as="div" size="1" color="gray" mt="1">
                  {catalogText(service.id, f.key, 'hint', f.hint, lang)}
                </Text>
              )}
            </label>
          ))}
          {service.oauth.supported && !editing && (
            <OAuthConnect
              service={service as Service}
              name={name}
              fromForm={
                service.fields.some((f) => f.key === 'clientId')
                  ? { clientId: values['clientId'] ?? '', clientSecret: values['clientSecret'] ?? '' }
                  : undefined
              }
              onDone={props.onClose}
            />
          )}
          <ValidationLine busy={check.busy} result={check.result} service={service?.name ?? ''} />
        </>
      )}
      <ErrorCallout error={error} testId="credential-error" />
      <DialogFooter>
        {canForce && (
          <Button
            type="button"
            color="amber"
            variant="soft"
            onClick={() => void save(true)}
            data-testid="save-anyway"
          >
            {t('common.saveAnyway')}
          </Button>
        )}
        {!oauthOnly && (
          <Button
            type="submit"
            loading={saving}
            disabled={!complete || !name.trim()}
            data-testid="credential-save"
          >
            {t('common.save')}
          </Button>
        )}
      </DialogFooter>
    </FormDialog>
  )
}

function ValidationLine({
  busy,
  result,
  service,
}: {
  busy: boolean
  result: Validation | null
  service: string
}) {
  const t = useT()
  const lang = useLanguage()
  if (busy)
    return (
      <Flex gap="2" align="center" data-testid="validation-busy">
        <Spinner />
        <Text size="2" color="gray">
          {t('credentials.checking')}
        </Text>
      </Flex>
    )
  if (!result) return null
  const ok = result.outcome === 'valid'
  return (
    <Callout.Root
      color={ok ? 'green' : result.outcome === 'invalid' ? 'red' : 'amber'}
      size="1"
      data-testid="validation-result"
    >
      <Callout.Text>
        {ok && result.account ? (
          <>
            {t('credentials.validFor')} <Badge data-testid="validation-account">{result.account}</Badge>
          </>
        ) : (
          validationText(result, service, lang)
        )}
      </Callout.Text>
    </Callout.Root>
  )
}

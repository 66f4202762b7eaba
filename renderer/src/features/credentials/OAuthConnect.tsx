import { useEffect, useState } from 'react'
import { Button, Callout, Code, Flex, Separator, Spinner, Text, TextField } from '@radix-ui/themes'
import { call, onEvent } from '../../api'
import { currentLanguage, useT } from '../../i18n'
import { describeError, notifySuccess } from '../../lib/notify'
import { useCredentials, type Service } from './store'

type OAuthService = Parameters<typeof call<'services.oauthStart'>>[1]['service']

/**
 * "Connect with <service>": the system browser does the sign-in (loopback redirect, PKCE), or for
 * GitHub's device flow the user types the code shown here. Completion arrives as an event.
 */
export function OAuthConnect(props: {
  service: Service
  name: string
  /** The client ID and secret typed in the catalog's own fields: then this asks for them no second time. */
  fromForm?: { clientId: string; clientSecret: string }
  onDone(): void
}) {
  const t = useT()
  const [ownClientId, setClientId] = useState('')
  const [ownClientSecret, setClientSecret] = useState('')
  const clientId = props.fromForm?.clientId ?? ownClientId
  const clientSecret = props.fromForm?.clientSecret ?? ownClientSecret
  const [flow, setFlow] = useState<{ id: string; userCode?: string; url: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const service = props.service.id as OAuthService
  const device = !props.service.oauth.flows.includes('authorization_code')

  useEffect(() => {
    if (!flow) return
    return onEvent('services.oauthCompleted', (e) => {
      if (e.flowId !== flow.id) return
      setFlow(null)
      const lang = currentLanguage()
      if (!e.ok)
        return setError(lang === 'en' ? e.message : t('oauth.failed', { service: props.service.name }))
      void useCredentials.getState().load()
      notifySuccess(lang === 'en' ? e.message : t('oauth.connected', { service: props.service.name }))
      props.onDone()
    })
  }, [flow, props, t])

  async function start() {
    setError(null)
    try {
      if (device && service === 'github') {
        const r = await call('services.oauthStartDevice', { service: 'github', name: props.name, clientId })
        setFlow({ id: r.flowId, userCode: r.userCode, url: r.verificationUri })
        window.open(r.verificationUri, '_blank', 'noopener')
      } else {
        const r = await call('services.oauthStart', {
          service,
          name: props.name,
          clientId,
          clientSecret: clientSecret || undefined,
        })
        setFlow({ id: r.flowId, url: r.authorizeUrl })
        window.open(r.authorizeUrl, '_blank', 'noopener')
      }
    } catch (e) {
      setError(describeError(e))
    }
  }

  return (
    <Flex direction="column" gap="2">
      <Separator size="4" />
      <Text size="2" weight="bold">
        {t('oauth.title', { service: props.service.name })}
      </Text>
      {!props.fromForm && (
        <TextField.Root
          placeholder={t('oauth.clientId')}
          aria-label={t('oauth.clientId')}
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
        />
      )}
      {!device && !props.fromForm && (
        <TextField.Root
          type="password"
          placeholder={t('oauth.clientSecret')}
          aria-label={t('oauth.clientSecret')}
          value={clientSecret}
          onChange={(e) => setClientSecret(e.target.value)}
        />
      )}
      {flow ? (
        <Callout.Root size="1">
          <Callout.Text>
            <Flex gap="2" align="center" wrap="wrap">
              <Spinner />
              {flow.userCode ? t('oauth.enterCode', { url: flow.url }) : t('oauth.waiting')}
              {flow.userCode && <Code size="3">{flow.userCode}</Code>}
              <Button
                size="1"
                variant="ghost"
                type="button"
                onClick={() =>
                  void call('services.oauthCancel', { flowId: flow.id }).finally(() => setFlow(null))
                }
              >
                {t('common.cancel')}
              </Button>
            </Flex>
          </Callout.Text>
        </Callout.Root>
      ) : (
        <Flex>
          <Button
            type="button"
            variant="soft"
            disabled={!clientId || !props.name.trim()}
            onClick={() => void start()}
          >
            {t('oauth.connect', { service: props.service.name })}
          </Button>
        </Flex>
      )}
      {error && (
        <Text size="2" color="red" role="alert">
          {error}
        </Text>
      )}
    </Flex>
  )
}

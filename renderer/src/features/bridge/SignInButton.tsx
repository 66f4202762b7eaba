import { useEffect, useState } from 'react'
import { Button } from '@radix-ui/themes'
import { call } from '../../api'
import { currentLanguage, useT } from '../../i18n'
import { attempt, notifySuccess } from '../../lib/notify'
import { useShell } from '../shell/store'
import { useBridge } from './store'

/** "Sign in" for a remote upstream: the system browser does the OAuth sign-in; this polls until it ends. */
export function SignInButton({ name }: { name: string }) {
  const t = useT()
  const [flowId, setFlowId] = useState<string | null>(null)
  useEffect(() => {
    if (!flowId) return
    const timer = setInterval(() => {
      void call('bridge.upstream.signInStatus', { flowId })
        .then(async (s) => {
          if (s.state === 'pending') return
          setFlowId(null)
          await useBridge.getState().loadUpstreams()
          // The core's sentence is English: other languages say the outcome in their own words.
          const english = currentLanguage() === 'en' ? s.message : null
          if (s.state === 'done') notifySuccess(english ?? t('upstream.remote.signedIn', { name }))
          else useShell.getState().toast('error', english ?? t('upstream.remote.signInFailed', { name }))
        })
        .catch(() => setFlowId(null))
    }, 1000)
    return () => clearInterval(timer)
  }, [flowId, name, t])
  return (
    <Button
      size="1"
      variant="solid"
      loading={flowId !== null}
      data-testid="upstream-sign-in"
      onClick={() =>
        void attempt(async () => {
          const r = await call('bridge.upstream.signIn', { name })
          setFlowId(r.flowId)
          window.open(r.authorizeUrl, '_blank', 'noopener')
        })
      }
    >
      {t('upstream.remote.signIn')}
    </Button>
  )
}

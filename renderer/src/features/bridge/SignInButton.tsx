import { useEffect, useState } from 'react'
import { Button } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { attempt, notifyError, notifySuccess } from '../../lib/notify'
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
          if (s.state === 'done') notifySuccess(s.message ?? t('upstream.remote.signedIn', { name }))
          else notifyError(new Error(s.message ?? ''))
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

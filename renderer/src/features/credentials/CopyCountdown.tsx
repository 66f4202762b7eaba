import { useEffect } from 'react'
import { Callout } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { useNow } from '../../lib/use-now'
import { useCredentials } from './store'

/** "Copied: the clipboard clears in 27 s", counting down to the time the main process clears it. */
export function CopyCountdown() {
  const t = useT()
  const copied = useCredentials((s) => s.copied)
  const now = useNow(250)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => useCredentials.setState({ copied: null }), copied.clearsAt - Date.now())
    return () => clearTimeout(timer)
  }, [copied])
  if (!copied) return null
  const seconds = Math.max(0, Math.ceil((copied.clearsAt - now) / 1000))
  return (
    <Callout.Root color="green" size="1" role="status" data-testid="copy-countdown">
      <Callout.Text>{t('credentials.copied', { name: copied.label, seconds })}</Callout.Text>
    </Callout.Root>
  )
}

import { useState } from 'react'
import { AlertDialog, Button, Code, Flex, Text } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { describeError } from '../../lib/notify'
import type { Credential } from './store'
import { useReturnFocus } from '../../lib/use-return-focus'

/**
 * Asks first, then shows one secret field. The value lives only in this dialog's state: it is
 * gone when the dialog closes, and the whole app unmounts on lock.
 */
export function RevealDialog(props: { credential: Credential; field: string; onClose(): void }) {
  const returnFocus = useReturnFocus()
  const t = useT()
  const [value, setValue] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function reveal() {
    setBusy(true)
    try {
      const r = await call('credentials.reveal', { id: props.credential.id, field: props.field })
      setValue(r.value)
      setError(null)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AlertDialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <AlertDialog.Content maxWidth="520px" {...returnFocus}>
        <AlertDialog.Title>{t('reveal.title', { name: props.credential.name })}</AlertDialog.Title>
        <AlertDialog.Description size="2">
          {value === null ? t('reveal.confirm') : t('reveal.shown')}
        </AlertDialog.Description>
        {value !== null && (
          <Flex mt="3">
            <Code size="3" data-testid="revealed-value" style={{ wordBreak: 'break-all' }}>
              {value}
            </Code>
          </Flex>
        )}
        {error && (
          <Text as="p" color="red" mt="3" role="alert">
            {error}
          </Text>
        )}
        <Flex gap="3" mt="4" justify="end">
          <AlertDialog.Cancel>
            <Button variant="soft" color="gray">
              {value === null ? t('common.cancel') : t('reveal.hide')}
            </Button>
          </AlertDialog.Cancel>
          {value === null && (
            <Button color="red" loading={busy} onClick={() => void reveal()} data-testid="reveal-confirm">
              {t('reveal.show')}
            </Button>
          )}
        </Flex>
      </AlertDialog.Content>
    </AlertDialog.Root>
  )
}

import { useState } from 'react'
import { AlertDialog, Button, Flex, Text, TextField } from '@radix-ui/themes'
import { useT } from '../i18n'
import { useReturnFocus } from '../lib/use-return-focus'

/**
 * A question before something that cannot be undone. With `typedWord`, the user must type that word
 * (e.g. REPLACE) before the action is enabled: for the few actions that lose everything.
 */
export function ConfirmDialog(props: {
  title: string
  description: string
  confirmLabel: string
  typedWord?: string
  onConfirm(): Promise<unknown>
  onClose(): void
}) {
  const t = useT()
  const [busy, setBusy] = useState(false)
  const [typed, setTyped] = useState('')
  const focus = useReturnFocus()
  const ready = !props.typedWord || typed.trim() === props.typedWord
  return (
    <AlertDialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <AlertDialog.Content maxWidth="460px" {...focus}>
        <AlertDialog.Title>{props.title}</AlertDialog.Title>
        <AlertDialog.Description size="2">{props.description}</AlertDialog.Description>
        {props.typedWord && (
          <Flex direction="column" gap="1" mt="3">
            <Text as="label" size="2" htmlFor="confirm-typed">
              {t('confirm.typeToConfirm', { word: props.typedWord })}
            </Text>
            <TextField.Root
              id="confirm-typed"
              autoComplete="off"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              data-testid="confirm-typed"
            />
          </Flex>
        )}
        <Flex gap="3" mt="4" justify="end" wrap="wrap">
          <AlertDialog.Cancel>
            <Button variant="soft" color="gray" data-testid="confirm-cancel">
              {t('common.cancel')}
            </Button>
          </AlertDialog.Cancel>
          <Button
            color="red"
            loading={busy}
            disabled={!ready}
            data-testid="confirm-action"
            onClick={async () => {
              setBusy(true)
              try {
                await props.onConfirm()
              } finally {
                setBusy(false)
                props.onClose()
              }
            }}
          >
            {props.confirmLabel}
          </Button>
        </Flex>
      </AlertDialog.Content>
    </AlertDialog.Root>
  )
}

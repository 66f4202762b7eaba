import { useState } from 'react'
import { AlertDialog, Button, Flex } from '@radix-ui/themes'
import { useT } from '../i18n'

/** A yes/no question before something that cannot be undone. */
export function ConfirmDialog(props: {
  title: string
  description: string
  confirmLabel: string
  onConfirm(): Promise<unknown>
  onClose(): void
}) {
  const t = useT()
  const [busy, setBusy] = useState(false)
  return (
    <AlertDialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <AlertDialog.Content maxWidth="460px">
        <AlertDialog.Title>{props.title}</AlertDialog.Title>
        <AlertDialog.Description size="2">{props.description}</AlertDialog.Description>
        <Flex gap="3" mt="4" justify="end">
          <AlertDialog.Cancel>
            <Button variant="soft" color="gray">
              {t('common.cancel')}
            </Button>
          </AlertDialog.Cancel>
          <Button
            color="red"
            loading={busy}
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

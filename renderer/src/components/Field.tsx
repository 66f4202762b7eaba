import type { ReactNode } from 'react'
import { Button, Callout, Dialog, Flex, Text } from '@radix-ui/themes'
import { useT } from '../i18n'

/** A form control with its label above it; the <label> wraps both so clicking the text focuses the control. */
export function Field({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <label>
      <Text as="div" size="2" weight="bold" mb="1">
        {label}
      </Text>
      {children}
    </label>
  )
}

/** The readable sentence of a failed action, announced to screen readers. Renders nothing without one. */
export function ErrorCallout({ error, testId }: { error: string | null | undefined; testId?: string }) {
  if (!error) return null
  return (
    <Callout.Root color="red" role="alert" data-testid={testId}>
      <Callout.Text>{error}</Callout.Text>
    </Callout.Root>
  )
}

/** The end of a dialog form: Cancel (closes it), then the dialog's own buttons, submit last. */
export function DialogFooter({ children }: { children: ReactNode }) {
  const t = useT()
  return (
    <Flex gap="3" justify="end" mt="2">
      <Dialog.Close>
        <Button type="button" variant="soft" color="gray">
          {t('common.cancel')}
        </Button>
      </Dialog.Close>
      {children}
    </Flex>
  )
}

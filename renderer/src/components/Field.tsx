import type { ComponentProps, FormEvent, ReactNode } from 'react'
import { Button, Callout, Dialog, Flex, Text, TextField } from '@radix-ui/themes'
import { useT } from '../i18n'
import { useReturnFocus } from '../lib/use-return-focus'

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

/** A labelled one-line text input; `onValue` gets the text, `testId` names it for tests. */
export function TextInput({
  label,
  onValue,
  testId,
  ...input
}: { label: ReactNode; value: string; onValue(value: string): void; testId?: string } & Omit<
  ComponentProps<typeof TextField.Root>,
  'value' | 'onChange'
>) {
  return (
    <Field label={label}>
      <TextField.Root {...input} onChange={(e) => onValue(e.target.value)} data-testid={testId} />
    </Field>
  )
}

/**
 * A dialog that is one form: title, help line, the fields in a column, focus back on the opener when it
 * closes. The children end with a <DialogFooter> holding the submit button.
 */
export function FormDialog(props: {
  title: ReactNode
  description?: ReactNode
  maxWidth?: string
  onClose(): void
  onSubmit(): unknown
  testId?: string
  children: ReactNode
}) {
  const returnFocus = useReturnFocus()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void props.onSubmit()
  }
  return (
    <Dialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <Dialog.Content maxWidth={props.maxWidth ?? '520px'} data-testid={props.testId} {...returnFocus}>
        <Dialog.Title>{props.title}</Dialog.Title>
        {props.description && (
          <Dialog.Description size="2" color="gray">
            {props.description}
          </Dialog.Description>
        )}
        <form onSubmit={submit}>
          <Flex direction="column" gap="3" mt="3">
            {props.children}
          </Flex>
        </form>
      </Dialog.Content>
    </Dialog.Root>
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

import { Callout, Flex, IconButton } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { useShell } from './store'

const COLORS = { error: 'red', success: 'green', info: 'blue' } as const

/** Stacked notifications; errors are announced assertively to screen readers. */
export function Toasts() {
  const t = useT()
  const toasts = useShell((s) => s.toasts)
  const dismiss = useShell((s) => s.dismiss)
  return (
    <Flex direction="column" gap="2" className="kb-toasts" aria-live="polite">
      {toasts.map((toast) => (
        <Callout.Root
          key={toast.id}
          color={COLORS[toast.kind]}
          variant="surface"
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid={`toast-${toast.kind}`}
          className="kb-toast"
        >
          <Callout.Text>{toast.message}</Callout.Text>
          <IconButton
            size="1"
            variant="ghost"
            color="gray"
            aria-label={t('common.dismiss')}
            onClick={() => dismiss(toast.id)}
            className="kb-toast-close"
          >
            ×
          </IconButton>
        </Callout.Root>
      ))}
    </Flex>
  )
}

import { AlertDialog, Button, Flex } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { useReturnFocus } from '../../lib/use-return-focus'
import { DiffView } from './DiffView'
import { useImport, type ImportPlan } from './store'

/** "Rewrite <file>?": the masked diff once more before the app's config is touched; focus goes back to Import on close. */
export function RewriteConfirmDialog(props: {
  plan: ImportPlan
  chosen: { credentials: number; upstreams: number }
  onClose(): void
}) {
  const t = useT()
  const returnFocus = useReturnFocus()
  const busy = useImport((s) => s.busy)
  const { plan, chosen } = props
  return (
    <AlertDialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <AlertDialog.Content maxWidth="720px" {...returnFocus}>
        <AlertDialog.Title>{t('import.confirmTitle', { file: plan.file })}</AlertDialog.Title>
        <AlertDialog.Description size="2">
          {t('import.confirmBody', { app: plan.app, ...chosen })}
        </AlertDialog.Description>
        {plan.rewrite.diff && (
          <Flex mt="3" direction="column">
            <DiffView diff={plan.rewrite.diff} />
          </Flex>
        )}
        <Flex gap="3" mt="4" justify="end">
          <AlertDialog.Cancel>
            <Button variant="soft" color="gray">
              {t('common.cancel')}
            </Button>
          </AlertDialog.Cancel>
          <Button
            loading={busy === 'apply'}
            data-testid="import-confirm"
            onClick={async () => {
              await useImport.getState().apply()
              props.onClose()
            }}
          >
            {t('import.confirm')}
          </Button>
        </Flex>
      </AlertDialog.Content>
    </AlertDialog.Root>
  )
}

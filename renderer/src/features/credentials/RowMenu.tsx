import { DropdownMenu, IconButton } from '@radix-ui/themes'
import { useT } from '../../i18n'
import type { Credential } from './store'

export type RowAction =
  | { kind: 'edit' | 'delete' | 'primary' | 'revalidate' | 'details'; credential: Credential }
  | { kind: 'copy' | 'reveal'; credential: Credential; field: string }

/** The per-credential menu; every entry is reachable with the keyboard. */
export function RowMenu({
  c,
  onAction,
  canEdit,
}: {
  c: Credential
  onAction(a: RowAction): void
  canEdit: boolean
}) {
  const t = useT()
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger>
        <IconButton
          variant="ghost"
          aria-label={t('credentials.actionsFor', { name: c.name })}
          data-testid="row-menu"
        >
          ⋯
        </IconButton>
      </DropdownMenu.Trigger>
      <DropdownMenu.Content>
        <DropdownMenu.Item
          onSelect={() => onAction({ kind: 'details', credential: c })}
          data-testid="action-details"
        >
          {t('credentials.details')}
        </DropdownMenu.Item>
        {!c.isPrimary && (
          <DropdownMenu.Item
            onSelect={() => onAction({ kind: 'primary', credential: c })}
            data-testid="action-primary"
          >
            {t('credentials.setPrimary')}
          </DropdownMenu.Item>
        )}
        {canEdit && (
          <>
            <DropdownMenu.Item
              onSelect={() => onAction({ kind: 'revalidate', credential: c })}
              data-testid="action-revalidate"
            >
              {t('credentials.revalidate')}
            </DropdownMenu.Item>
            <DropdownMenu.Item
              onSelect={() => onAction({ kind: 'edit', credential: c })}
              data-testid="action-edit"
            >
              {t('common.edit')}
            </DropdownMenu.Item>
          </>
        )}
        {c.secretFields.length > 0 && <DropdownMenu.Separator />}
        {c.secretFields.map((field) => (
          <DropdownMenu.Item
            key={`copy-${field}`}
            onSelect={() => onAction({ kind: 'copy', credential: c, field })}
            data-testid="action-copy"
          >
            {c.secretFields.length > 1 ? t('credentials.copyField', { field }) : t('credentials.copy')}
          </DropdownMenu.Item>
        ))}
        {c.secretFields.map((field) => (
          <DropdownMenu.Item
            key={`reveal-${field}`}
            onSelect={() => onAction({ kind: 'reveal', credential: c, field })}
            data-testid="action-reveal"
          >
            {c.secretFields.length > 1 ? t('credentials.revealField', { field }) : t('credentials.reveal')}
          </DropdownMenu.Item>
        ))}
        <DropdownMenu.Separator />
        <DropdownMenu.Item
          color="red"
          onSelect={() => onAction({ kind: 'delete', credential: c })}
          data-testid="action-delete"
        >
          {t('common.delete')}
        </DropdownMenu.Item>
      </DropdownMenu.Content>
    </DropdownMenu.Root>
  )
}

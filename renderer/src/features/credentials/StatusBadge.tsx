import { Badge } from '@radix-ui/themes'
import type { CredentialStatus } from '../../../../shared/models/credential'
import { useT } from '../../i18n'

export const STATUS_COLORS = {
  active: 'green',
  invalid: 'red',
  expired: 'orange',
  revoked: 'gray',
  unvalidated: 'blue',
} as const satisfies Record<CredentialStatus, string>

export function StatusBadge({ status }: { status: CredentialStatus }) {
  const t = useT()
  return (
    <Badge color={STATUS_COLORS[status]} data-testid="status-badge">
      {t(`status.${status}`)}
    </Badge>
  )
}

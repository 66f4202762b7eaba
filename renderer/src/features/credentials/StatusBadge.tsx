import { Badge } from '@radix-ui/themes'
import type { CredentialState } from '../../../../shared/models/credential'
import { useT } from '../../i18n'

export const STATUS_COLORS = {
  active: 'green',
  invalid: 'red',
  expired: 'orange',
  revoked: 'gray',
  unvalidated: 'blue',
  check_failed: 'amber',
} as const satisfies Record<CredentialState, string>

export function StatusBadge({ status }: { status: CredentialState }) {
  const t = useT()
  return (
    <Badge color={STATUS_COLORS[status]} data-testid="status-badge">
      {t(`status.${status}`)}
    </Badge>
  )
}

import { Badge, Flex, Grid, Select, Text } from '@radix-ui/themes'
import { useT } from '../../i18n'
import type { CredentialState } from '../../../../shared/models/credential'
import { STATUS_COLORS } from './StatusBadge'

export interface ServiceTile {
  id: string
  name: string
  count: number
  /** The status that most needs attention among its accounts. */
  worst: CredentialState | null
}

/** One tile per service, connected ones first; pressing a tile filters the list to it. */
export function ServiceGrid(props: {
  tiles: ServiceTile[]
  selected: string | null
  onSelect(id: string | null): void
  onAdd?(id: string): void
}) {
  const t = useT()
  // Once some services are connected, only theirs are tiles; the rest is one compact picker, so
  // the grid stays a row or two instead of 15 tiles.
  const connected = props.tiles.filter((s) => s.count > 0)
  const others = props.tiles.filter((s) => s.count === 0)
  const compact = connected.length > 0 && props.onAdd !== undefined
  const tiles = compact ? connected : props.tiles
  return (
    <Grid
      columns="repeat(auto-fill, minmax(170px, 1fr))"
      gap="2"
      role="list"
      aria-label={t('credentials.services')}
    >
      {compact && others.length > 0 && (
        <div role="listitem">
          <Select.Root value="" onValueChange={(id) => props.onAdd?.(id)}>
            <Select.Trigger
              variant="surface"
              style={{ width: '100%', height: '100%', minHeight: 40 }}
              placeholder={`+ ${t('credentials.addOther')}`}
              aria-label={t('credentials.addOther')}
              data-testid="service-picker"
            />
            <Select.Content>
              {others.map((s) => (
                <Select.Item key={s.id} value={s.id} data-testid={`pick-${s.id}`}>
                  {s.name}
                </Select.Item>
              ))}
            </Select.Content>
          </Select.Root>
        </div>
      )}
      {tiles.map((s) => (
        <div role="listitem" key={s.id}>
          <button
            type="button"
            className="kb-service-tile"
            style={{ width: '100%' }}
            aria-pressed={props.selected === s.id}
            data-testid={`service-${s.id}`}
            onClick={() =>
              s.count === 0 && props.onAdd
                ? props.onAdd(s.id)
                : props.onSelect(props.selected === s.id ? null : s.id)
            }
          >
            <Flex justify="between" align="center" gap="2">
              <Text weight="medium" truncate>
                {s.name}
              </Text>
              {s.count > 0 ? (
                <Badge color={s.worst ? STATUS_COLORS[s.worst] : 'gray'}>{s.count}</Badge>
              ) : (
                <Text size="1" color="gray">
                  + {t('common.add')}
                </Text>
              )}
            </Flex>
          </button>
        </div>
      ))}
    </Grid>
  )
}

const SEVERITY: CredentialState[] = ['invalid', 'expired', 'revoked', 'check_failed', 'unvalidated', 'active']

export function worstStatus(statuses: Iterable<CredentialState>): CredentialState | null {
  let best: number | null = null
  for (const s of statuses) {
    const i = SEVERITY.indexOf(s)
    if (best === null || i < best) best = i
  }
  return best === null ? null : SEVERITY[best]
}

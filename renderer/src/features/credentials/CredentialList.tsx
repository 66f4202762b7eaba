import { useRef, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { Badge, Box, Flex, Text } from '@radix-ui/themes'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { credentialState } from '../../../../shared/models/credential'
import { StatusBadge } from './StatusBadge'
import { useCredentials, type Credential, type SortKey } from './store'

const ROW_HEIGHT = 52
// Fits the narrowest window (900 px, sidebar collapsed) without sideways scrolling.
const COLUMNS =
  'minmax(120px, 1.4fr) minmax(80px, 0.8fr) minmax(100px, 1.2fr) minmax(120px, 0.9fr) 104px 104px 40px'
const SORTABLE: [SortKey, MessageKey][] = [
  ['name', 'credentials.col.name'],
  ['service', 'credentials.col.service'],
  ['account', 'credentials.col.account'],
  ['status', 'credentials.col.status'],
  ['validated', 'credentials.col.validated'],
  ['used', 'credentials.col.used'],
]

/**
 * Only the rows in view are in the DOM, so 10,000 credentials scroll as smoothly as 10.
 * The list is a scrollable region of buttons-free rows; each row's actions are keyboard reachable.
 */
export function CredentialList(props: {
  items: Credential[]
  serviceName(id: string): string
  actions(c: Credential): ReactNode
  /** Opens the credential's detail (its name is a button). */
  onOpen?(c: Credential): void
}) {
  const t = useT()
  const lang = useLanguage()
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is a mutable object by design
  const virtualizer = useVirtualizer({
    count: props.items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  })
  const now = useNow()
  const sort = useCredentials((s) => s.sort)
  const toggleSort = useCredentials((s) => s.toggleSort)
  return (
    <Flex direction="column" className="kb-list" role="table" aria-label={t('credentials.listLabel')}>
      <div className="kb-row kb-list-header" role="row" style={{ gridTemplateColumns: COLUMNS, height: 36 }}>
        {SORTABLE.map(([key, label]) => (
          <span
            key={key}
            role="columnheader"
            aria-sort={sort?.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
          >
            <button
              type="button"
              className="kb-sort"
              onClick={() => toggleSort(key)}
              data-testid={`sort-${key}`}
            >
              <Text size="1" color="gray" weight="medium" truncate>
                {t(label)}
              </Text>
              <span aria-hidden>{sort?.key === key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
            </button>
          </span>
        ))}
        <span role="columnheader" className="kb-sr-only">
          {t('credentials.col.actions')}
        </span>
      </div>
      {/* The scrolling element is the row group itself: a focusable wrapper between the table and its
          rows breaks the table's structure for screen readers (axe aria-required-children). */}
      <div
        ref={scrollRef}
        className="kb-list-scroll"
        data-testid="credential-scroll"
        tabIndex={0}
        role="rowgroup"
        aria-label={t('credentials.listLabel')}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const c = props.items[v.index]
            return (
              <div
                key={c.id}
                role="row"
                aria-rowindex={v.index + 2}
                className="kb-row"
                data-testid="credential-row"
                data-credential={`${c.service}/${c.name}`}
                style={{
                  gridTemplateColumns: COLUMNS,
                  height: ROW_HEIGHT,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${v.start}px)`,
                }}
              >
                <Flex role="cell" align="center" gap="2" minWidth="0">
                  <button
                    type="button"
                    className="kb-link"
                    onClick={() => props.onOpen?.(c)}
                    data-testid="credential-open"
                  >
                    <Text weight="medium" truncate>
                      {c.name}
                    </Text>
                  </button>
                  {c.isPrimary && (
                    <Badge variant="outline" color="indigo" data-testid="primary-marker">
                      ★ {t('credentials.primary')}
                    </Badge>
                  )}
                </Flex>
                <Text role="cell" truncate color="gray">
                  {props.serviceName(c.service)}
                </Text>
                <Box role="cell" minWidth="0">
                  <Text as="div" truncate data-testid="credential-account">
                    {c.account ?? '—'}
                  </Text>
                  {c.validationError && c.status !== 'active' && lang === 'en' && (
                    <Text as="div" size="1" color="red" truncate title={c.validationError}>
                      {c.validationError}
                    </Text>
                  )}
                </Box>
                <span role="cell">
                  <StatusBadge status={credentialState(c)} />
                </span>
                <Text role="cell" size="2" color="gray">
                  {relativeTime(c.lastValidatedAt, lang, now, t('common.never'))}
                </Text>
                <Text role="cell" size="2" color="gray">
                  {relativeTime(c.lastUsedAt, lang, now, t('common.never'))}
                </Text>
                <span role="cell">{props.actions(c)}</span>
              </div>
            )
          })}
        </div>
      </div>
    </Flex>
  )
}

import { useRef, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { Badge, Box, Flex, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { credentialState } from '../../../../shared/models/credential'
import { StatusBadge } from './StatusBadge'
import type { Credential } from './store'

const ROW_HEIGHT = 52
const COLUMNS = 'minmax(160px, 1.4fr) minmax(100px, 0.8fr) minmax(140px, 1.2fr) 110px 130px 130px 44px'

/**
 * Only the rows in view are in the DOM, so 10,000 credentials scroll as smoothly as 10.
 * The list is a scrollable region of buttons-free rows; each row's actions are keyboard reachable.
 */
export function CredentialList(props: {
  items: Credential[]
  serviceName(id: string): string
  actions(c: Credential): ReactNode
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
  return (
    <Flex direction="column" className="kb-list" role="table" aria-label={t('credentials.listLabel')}>
      <div className="kb-row kb-list-header" role="row" style={{ gridTemplateColumns: COLUMNS, height: 36 }}>
        {(
          [
            'credentials.col.name',
            'credentials.col.service',
            'credentials.col.account',
            'credentials.col.status',
            'credentials.col.validated',
            'credentials.col.used',
          ] as const
        ).map((k) => (
          <Text key={k} size="1" color="gray" weight="medium" role="columnheader">
            {t(k)}
          </Text>
        ))}
        <span role="columnheader" className="kb-sr-only">
          {t('credentials.col.actions')}
        </span>
      </div>
      <div ref={scrollRef} className="kb-list-scroll" data-testid="credential-scroll" tabIndex={0}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
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
                  <Text weight="medium" truncate>
                    {c.name}
                  </Text>
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

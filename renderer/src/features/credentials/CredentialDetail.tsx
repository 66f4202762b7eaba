import { useEffect, useState } from 'react'
import { Badge, Button, Code, DataList, Dialog, Flex, Heading, Separator, Text } from '@radix-ui/themes'
import { credentialRef, credentialState } from '../../../../shared/models/credential'
import type { AuditEntry } from '../../../../shared/models/audit'
import type { ChannelOutput } from '../../../../shared/ipc'
import { call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { dateTime, relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { useReturnFocus } from '../../lib/use-return-focus'
import { actionLabel } from '../activity/words'
import { StatusBadge } from './StatusBadge'
import type { RowAction } from './RowMenu'
import type { Credential } from './store'

type Tool = ChannelOutput<'bridge.tools.list'>[number]
type Upstream = ChannelOutput<'bridge.upstream.list'>[number]

/** Audit actions that say something about a credential's status. */
const HISTORY = new Set(['created', 'updated', 'validated', 'refreshed', 'expired', 'imported'])

/**
 * One credential in full, without its secrets: non-secret fields, status and its history (the last
 * checks from the audit log), where it is used (bridge tools of its service, upstream servers whose
 * environment references it), and its actions (check now, copy, reveal: audited by the core).
 */
export function CredentialDetail(props: {
  credential: Credential
  serviceName: string
  onAction(a: RowAction): void
  onClose(): void
}) {
  const returnFocus = useReturnFocus()
  const t = useT()
  const lang = useLanguage()
  const now = useNow()
  const c = props.credential
  const ref = credentialRef(c)
  const [history, setHistory] = useState<AuditEntry[] | null>(null)
  const [tools, setTools] = useState<Tool[]>([])
  const [upstreams, setUpstreams] = useState<Upstream[]>([])

  useEffect(() => {
    let live = true
    void call('audit.list', { target: ref, offset: 0, limit: 100 }).then(
      (p) => live && setHistory(p.entries.filter((e) => HISTORY.has(e.action)).slice(0, 12)),
      () => live && setHistory([]),
    )
    void call('bridge.tools.list').then(
      (list) => live && setTools(list.filter((x) => x.source === 'api' && x.name.startsWith(c.service))),
      () => {},
    )
    void call('bridge.upstream.list').then(
      (list) =>
        live &&
        setUpstreams(list.filter((u) => u.env.some((e) => e.reference?.includes(`{{credential:${ref}`)))),
      () => {},
    )
    return () => {
      live = false
    }
  }, [ref, c.service, c.updatedAt])

  const act = (a: RowAction) => {
    props.onAction(a)
  }
  return (
    <Dialog.Root open onOpenChange={(o) => !o && props.onClose()}>
      <Dialog.Content maxWidth="640px" {...returnFocus} data-testid="credential-detail">
        <Dialog.Title>
          {props.serviceName} / {c.name}
        </Dialog.Title>
        <Dialog.Description size="2" color="gray">
          {t('detail.intro')}
        </Dialog.Description>
        <Flex direction="column" gap="4" mt="3">
          <DataList.Root size="2">
            <DataList.Item>
              <DataList.Label>{t('credentials.col.status')}</DataList.Label>
              <DataList.Value>
                <Flex gap="2" align="center" wrap="wrap">
                  <StatusBadge status={credentialState(c)} />
                  {c.isPrimary && <Badge variant="outline">★ {t('credentials.primary')}</Badge>}
                </Flex>
              </DataList.Value>
            </DataList.Item>
            <DataList.Item>
              <DataList.Label>{t('credentials.col.account')}</DataList.Label>
              <DataList.Value>{c.account ?? '—'}</DataList.Value>
            </DataList.Item>
            {Object.entries(c.fields).map(([k, v]) => (
              <DataList.Item key={k}>
                <DataList.Label>{k}</DataList.Label>
                <DataList.Value>
                  <Code size="1">{v}</Code>
                </DataList.Value>
              </DataList.Item>
            ))}
            <DataList.Item>
              <DataList.Label>{t('credentials.col.validated')}</DataList.Label>
              <DataList.Value>{relativeTime(c.lastValidatedAt, lang, now, t('common.never'))}</DataList.Value>
            </DataList.Item>
            <DataList.Item>
              <DataList.Label>{t('credentials.col.used')}</DataList.Label>
              <DataList.Value data-testid="detail-used">
                {relativeTime(c.lastUsedAt, lang, now, t('common.never'))} ·{' '}
                {t('detail.uses', { n: c.useCount })}
              </DataList.Value>
            </DataList.Item>
            {c.expiresAt !== null && (
              <DataList.Item>
                <DataList.Label>{t('detail.expires')}</DataList.Label>
                <DataList.Value>{dateTime(c.expiresAt, lang)}</DataList.Value>
              </DataList.Item>
            )}
            <DataList.Item>
              <DataList.Label>{t('detail.secretFields')}</DataList.Label>
              <DataList.Value>
                <Flex gap="2" wrap="wrap">
                  {c.secretFields.map((f) => (
                    <Flex key={f} gap="1" align="center">
                      <Code size="1">{f}</Code>
                      <Button
                        size="1"
                        variant="soft"
                        onClick={() => act({ kind: 'copy', credential: c, field: f })}
                        data-testid="detail-copy"
                      >
                        {t('common.copy')}
                      </Button>
                      <Button
                        size="1"
                        variant="soft"
                        color="amber"
                        onClick={() => act({ kind: 'reveal', credential: c, field: f })}
                        data-testid="detail-reveal"
                      >
                        {t('detail.reveal')}
                      </Button>
                    </Flex>
                  ))}
                </Flex>
              </DataList.Value>
            </DataList.Item>
          </DataList.Root>

          <Separator size="4" />
          <Heading as="h3" size="3">
            {t('detail.usedBy')}
          </Heading>
          <Flex direction="column" gap="1" data-testid="detail-used-by">
            {tools.length === 0 && upstreams.length === 0 && (
              <Text size="2" color="gray">
                {t('detail.unused')}
              </Text>
            )}
            {tools.map((x) => (
              <Text key={x.name} size="2">
                {t('detail.tool')} <Code size="1">{x.name}</Code>
                {c.isPrimary ? '' : ` (${t('detail.viaArgument', { name: c.name })})`}
              </Text>
            ))}
            {upstreams.map((u) => (
              <Text key={u.id} size="2">
                {t('detail.upstream')} <Code size="1">{u.name}</Code>{' '}
                {u.env
                  .filter((e) => e.reference?.includes(`{{credential:${ref}`))
                  .map((e) => e.key)
                  .join(', ')}
              </Text>
            ))}
          </Flex>

          <Separator size="4" />
          <Heading as="h3" size="3">
            {t('detail.history')}
          </Heading>
          <Flex direction="column" gap="1" data-testid="detail-history">
            {history?.length === 0 && (
              <Text size="2" color="gray">
                {t('activity.empty')}
              </Text>
            )}
            {history?.map((e) => (
              <Flex key={e.id} gap="2" justify="between" wrap="wrap">
                <Text size="2">
                  {actionLabel(e.action, t)}
                  {typeof e.detail?.['status'] === 'string' &&
                    ` → ${t(`status.${e.detail['status'] as 'active'}`)}`}
                </Text>
                <Text size="1" color="gray">
                  {dateTime(e.at, lang)}
                </Text>
              </Flex>
            ))}
          </Flex>

          <Flex gap="2" justify="end" wrap="wrap">
            <Button
              variant="soft"
              onClick={() => act({ kind: 'revalidate', credential: c })}
              data-testid="detail-revalidate"
            >
              {t('detail.checkNow')}
            </Button>
            <Button variant="soft" onClick={() => act({ kind: 'edit', credential: c })}>
              {t('common.edit')}
            </Button>
            <Dialog.Close>
              <Button data-testid="detail-close">{t('common.done')}</Button>
            </Dialog.Close>
          </Flex>
        </Flex>
      </Dialog.Content>
    </Dialog.Root>
  )
}

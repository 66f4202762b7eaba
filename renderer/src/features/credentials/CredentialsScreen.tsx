import { useCallback, useEffect, useMemo, useState } from 'react'
import { Button, Callout, Flex, Select, Spinner, Text, TextField } from '@radix-ui/themes'
import { CredentialState, credentialState } from '../../../../shared/models/credential'
import { useLanguage, useT } from '../../i18n'
import { validationText } from '../../lib/error-text'
import { attempt, describeError, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { CredentialDialog } from './CredentialDialog'
import { CopyCountdown } from './CopyCountdown'
import { CredentialList } from './CredentialList'
import { RevealDialog } from './RevealDialog'
import { RowMenu, type RowAction } from './RowMenu'
import { ServiceGrid, worstStatus, type ServiceTile } from './ServiceGrid'
import { useShell } from '../shell/store'
import { applyFilter, applySort, useCredentials, watchCredentials, type Credential } from './store'
import { CredentialDetail } from './CredentialDetail'

const ALL = '__all'

export function CredentialsScreen() {
  const t = useT()
  const lang = useLanguage()
  const { items, catalog, loadError, filter, setFilter } = useCredentials()
  const [dialog, setDialog] = useState<RowAction | { kind: 'add'; service?: string } | null>(null)
  // A reveal asked from the detail opens over it, so closing it lands back on the detail's Reveal button.
  const [revealOverDetail, setRevealOverDetail] = useState<{ credential: Credential; field: string } | null>(
    null,
  )
  const intent = useShell((s) => s.intent)
  useEffect(() => {
    if (useShell.getState().takeIntent('addCredential')) setDialog({ kind: 'add' })
    const open = intent?.kind === 'openCredential' ? intent : null
    const c = open && items?.find((x) => x.id === open.id)
    if (c && useShell.getState().takeIntent('openCredential')) setDialog({ kind: 'details', credential: c })
  }, [intent, items])
  useEffect(() => {
    void useCredentials.getState().load()
    void attempt(() => useCredentials.getState().loadCatalog())
    return watchCredentials()
  }, [])

  const names = useMemo(() => new Map((catalog ?? []).map((s) => [s.id, s.name])), [catalog])
  const serviceName = useCallback((id: string) => names.get(id) ?? id, [names])
  // Every catalog service, connected ones first (most accounts first), then the rest by name.
  const tiles = useMemo<ServiceTile[]>(() => {
    const byService = new Map<string, Credential[]>()
    for (const c of items ?? []) {
      const list = byService.get(c.service)
      if (list) list.push(c)
      else byService.set(c.service, [c])
    }
    const ids = new Set([...(catalog ?? []).map((s) => s.id), ...byService.keys()])
    return [...ids]
      .map((id) => {
        const list = byService.get(id) ?? []
        return {
          id,
          name: names.get(id) ?? id,
          count: list.length,
          worst: worstStatus(list.map(credentialState)),
        }
      })
      .sort((a, b) => Number(b.count > 0) - Number(a.count > 0) || a.name.localeCompare(b.name))
  }, [items, catalog, names])
  const visible = useMemo(() => (items ? applyFilter(items, filter) : []), [items, filter])
  const sort = useCredentials((s) => s.sort)
  const sorted = useMemo(() => applySort(visible, sort, serviceName), [visible, sort, serviceName])

  function onAction(a: RowAction) {
    if (a.kind === 'primary') {
      void attempt(async () => {
        await useCredentials.getState().setPrimary(a.credential.id)
        notifySuccess(t('credentials.primarySet', { name: a.credential.name }))
      })
    } else if (a.kind === 'copy') {
      void attempt(() => useCredentials.getState().copy(a.credential, a.field))
    } else if (a.kind === 'revalidate') {
      void attempt(async () => {
        const [r] = await useCredentials.getState().revalidate(a.credential.id)
        if (r)
          useShell
            .getState()
            .toast(
              r.validation.outcome === 'valid' ? 'success' : 'error',
              validationText(r.validation, serviceName(a.credential.service), lang),
            )
      })
    } else setDialog(a)
  }

  if (loadError) {
    return (
      <Callout.Root color="red" role="alert">
        <Callout.Text>{describeError(loadError)}</Callout.Text>
      </Callout.Root>
    )
  }
  if (!items) return <Spinner aria-label={t('common.loading')} />

  return (
    <Flex direction="column" gap="4" className="kb-screen-fill">
      <Flex justify="between" align="center" gap="3" wrap="wrap">
        <Text color="gray" size="2" style={{ flex: '1 1 280px', minWidth: 0 }}>
          {t('credentials.intro')}
        </Text>
        <Flex gap="2" wrap="wrap">
          <Button variant="soft" onClick={() => useShell.getState().go('import')} data-testid="import-open">
            {t('import.open')}
          </Button>
          <Button onClick={() => setDialog({ kind: 'add' })} data-testid="credential-add">
            + {t('credentials.add')}
          </Button>
        </Flex>
      </Flex>
      {items.length === 0 && (
        <Callout.Root data-testid="credentials-empty">
          <Callout.Text>{t('credentials.empty')}</Callout.Text>
          <Flex>
            <Button
              size="1"
              variant="soft"
              onClick={() => useShell.getState().go('import')}
              data-testid="import-open-empty"
            >
              {t('import.openFromEmpty')}
            </Button>
          </Flex>
        </Callout.Root>
      )}
      <ServiceGrid
        tiles={tiles}
        selected={filter.service}
        onSelect={(service) => setFilter({ service })}
        onAdd={(service) => setDialog({ kind: 'add', service })}
      />
      <Flex gap="3" align="center" wrap="wrap">
        <TextField.Root
          placeholder={t('credentials.search')}
          aria-label={t('credentials.search')}
          value={filter.search}
          onChange={(e) => setFilter({ search: e.target.value })}
          style={{ minWidth: 200 }}
          data-testid="credential-search"
        />
        <Select.Root
          value={filter.service ?? ALL}
          onValueChange={(v) => setFilter({ service: v === ALL ? null : v })}
        >
          <Select.Trigger aria-label={t('credentials.filterService')} />
          <Select.Content>
            <Select.Item value={ALL}>{t('credentials.allServices')}</Select.Item>
            {tiles
              .filter((s) => s.count > 0)
              .map((s) => (
                <Select.Item key={s.id} value={s.id}>
                  {s.name}
                </Select.Item>
              ))}
          </Select.Content>
        </Select.Root>
        <Select.Root
          value={filter.status ?? ALL}
          onValueChange={(v) => setFilter({ status: v === ALL ? null : CredentialState.parse(v) })}
        >
          <Select.Trigger aria-label={t('credentials.filterStatus')} data-testid="status-filter" />
          <Select.Content>
            <Select.Item value={ALL}>{t('credentials.allStatuses')}</Select.Item>
            {CredentialState.options.map((s) => (
              <Select.Item key={s} value={s}>
                {t(`status.${s}`)}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
        <Text size="2" color="gray" data-testid="credential-count">
          {t('credentials.showing', { shown: visible.length, total: items.length })}
        </Text>
      </Flex>
      <CopyCountdown />
      {items.length > 0 && visible.length === 0 ? (
        <Text color="gray">{t('credentials.noMatch')}</Text>
      ) : (
        items.length > 0 && (
          <CredentialList
            items={sorted}
            serviceName={serviceName}
            actions={(c) => <RowMenu c={c} onAction={onAction} canEdit />}
            onOpen={(c) => setDialog({ kind: 'details', credential: c })}
          />
        )
      )}
      {dialog?.kind === 'add' && (
        <CredentialDialog service={dialog.service} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'edit' && (
        <CredentialDialog credential={dialog.credential} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'details' && (
        <CredentialDetail
          credential={items.find((c) => c.id === dialog.credential.id) ?? dialog.credential}
          serviceName={serviceName(dialog.credential.service)}
          onAction={(a) => (a.kind === 'reveal' ? setRevealOverDetail(a) : onAction(a))}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'details' && revealOverDetail && (
        <RevealDialog
          credential={revealOverDetail.credential}
          field={revealOverDetail.field}
          onClose={() => setRevealOverDetail(null)}
        />
      )}
      {dialog?.kind === 'reveal' && (
        <RevealDialog credential={dialog.credential} field={dialog.field} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={t('credentials.deleteTitle', { name: dialog.credential.name })}
          description={
            dialog.credential.isPrimary ? t('credentials.deletePrimaryBody') : t('credentials.deleteBody')
          }
          confirmLabel={t('common.delete')}
          onConfirm={() =>
            attempt(async () => {
              await useCredentials.getState().remove(dialog.credential.id)
              notifySuccess(t('credentials.deleted', { name: dialog.credential.name }))
            })
          }
          onClose={() => setDialog(null)}
        />
      )}
    </Flex>
  )
}

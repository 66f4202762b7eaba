import { useEffect, useState, type FormEvent } from 'react'
import {
  Button,
  Callout,
  Card,
  Checkbox,
  Flex,
  Heading,
  Progress,
  Select,
  Table,
  Text,
  TextField,
} from '@radix-ui/themes'
import { MIN_PASSPHRASE_LENGTH } from '../../../../shared/ipc/backup'
import type { ChannelOutput, EventPayload } from '../../../../shared/ipc'
import { call, onEvent } from '../../api'
import { useT, type MessageKey, type T } from '../../i18n'
import { describeError, notifySuccess } from '../../lib/notify'
import { pickPath } from '../../components/PathField'
import { ScheduleForm } from './ScheduleForm'
import { ConfirmDialog } from '../../components/ConfirmDialog'

type Progress = EventPayload<'backup.progress'>
type ImportResult = ChannelOutput<'backup.import'>

/** The name the save dialog proposes: today's date. */
function defaultName(): string {
  return `keybridge-backup-${new Date().toISOString().slice(0, 10)}.kbbackup`
}

/** The typed fallback's default: the data folder (the user may type any absolute path). */
function defaultPath(dataDir: string): string {
  const sep = dataDir.includes('\\') ? '\\' : '/'
  return `${dataDir}${sep}${defaultName()}`
}

function useBackupProgress(): [Progress | null, (p: Progress | null) => void] {
  const [progress, setProgress] = useState<Progress | null>(null)
  useEffect(() => onEvent('backup.progress', setProgress), [])
  return [progress, setProgress]
}

function ProgressLine({ progress, t }: { progress: Progress; t: T }) {
  return (
    <Flex direction="column" gap="1" data-testid="backup-progress">
      <Text size="1" color="gray">
        {t(`backup.phase.${progress.phase}`)}
      </Text>
      <Progress
        value={progress.total ? (progress.done / progress.total) * 100 : progress.phase === 'done' ? 100 : 0}
      />
    </Flex>
  )
}

/** Encrypted export and a previewed import. */
export function BackupSection() {
  const t = useT()
  const [dataDir, setDataDir] = useState<string | null>(null)
  useEffect(() => {
    call('app.info')
      .then((i) => setDataDir(i.dataDir))
      .catch(() => setDataDir(''))
  }, [])
  return (
    <Card size="3">
      <Flex direction="column" gap="4">
        <Heading as="h2" size="4">
          {t('backup.title')}
        </Heading>
        <Text size="2" color="gray">
          {t('backup.intro')}
        </Text>
        {dataDir !== null && <ExportForm initialPath={defaultPath(dataDir)} />}
        {dataDir !== null && <ImportForm />}
        {dataDir && <ScheduleForm defaultFolder={dataDir} />}
      </Flex>
    </Card>
  )
}

function ExportForm({ initialPath }: { initialPath: string }) {
  const t = useT()
  const [path, setPath] = useState(initialPath)
  const [passphrase, setPassphrase] = useState('')
  const [confirm, setConfirm] = useState('')
  const [includeAudit, setIncludeAudit] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [progress, setProgress] = useBackupProgress()

  /** The passphrase is checked before the dialog opens: no file chosen for nothing. */
  function passphraseProblem(): string | null {
    if ([...passphrase].length < MIN_PASSPHRASE_LENGTH)
      return t('backup.passphraseShort', { n: MIN_PASSPHRASE_LENGTH })
    return passphrase !== confirm ? t('backup.passphraseMismatch') : null
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    await exportTo(path)
  }

  /** "Export…": the save dialog, then the export to the chosen file. */
  async function pickAndExport() {
    const problem = passphraseProblem()
    if (problem) return setError(problem)
    setError(null)
    const chosen = await pickPath({
      kind: 'save',
      purpose: 'backup',
      title: t('backup.saveTitle'),
      defaultName: defaultName(),
    })
    if (!chosen) return
    setPath(chosen)
    await exportTo(chosen)
  }

  async function exportTo(path: string) {
    const problem = passphraseProblem()
    if (problem) return setError(problem)
    setBusy(true)
    setError(null)
    setProgress(null)
    try {
      const r = await call('backup.export', { path, passphrase, includeAudit })
      const rows = r.tables.reduce((n, x) => n + x.rows, 0)
      notifySuccess(t('backup.exported', { path: r.path, rows, kb: Math.ceil(r.bytes / 1024) }))
      setPassphrase('')
      setConfirm('')
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="export-title">
      <Flex direction="column" gap="2">
        <Text weight="bold" id="export-title">
          {t('backup.export')}
        </Text>
        <Flex gap="2">
          <TextField.Root
            style={{ flex: 1 }}
            type="password"
            placeholder={t('backup.passphrase')}
            aria-label={t('backup.passphrase')}
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            data-testid="export-passphrase"
          />
          <TextField.Root
            style={{ flex: 1 }}
            type="password"
            placeholder={t('backup.passphraseConfirm')}
            aria-label={t('backup.passphraseConfirm')}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            data-testid="export-passphrase-confirm"
          />
        </Flex>
        <Text as="label" size="2">
          <Flex gap="2" align="center">
            <Checkbox checked={includeAudit} onCheckedChange={(c) => setIncludeAudit(c === true)} />
            {t('backup.includeAudit')}
          </Flex>
        </Text>
        {busy && progress && progress.operation === 'export' && <ProgressLine progress={progress} t={t} />}
        {error && (
          <Text color="red" size="2" role="alert">
            {error}
          </Text>
        )}
        <Flex>
          <Button type="button" loading={busy} onClick={() => void pickAndExport()} data-testid="export-pick">
            {t('backup.exportPick')}
          </Button>
        </Flex>
        <Text size="1" color="gray">
          {t('backup.typedPathHint')}
        </Text>
        <Flex gap="2">
          <TextField.Root
            style={{ flex: 1 }}
            value={path}
            onChange={(e) => setPath(e.target.value)}
            aria-label={t('backup.file')}
            data-testid="export-path"
          />
          <Button type="submit" variant="soft" disabled={busy} data-testid="export-submit">
            {t('backup.exportHere')}
          </Button>
        </Flex>
      </Flex>
    </form>
  )
}

function ImportForm() {
  const t = useT()
  const [path, setPath] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [mode, setMode] = useState<'merge' | 'replace'>('merge')
  const [onConflict, setOnConflict] = useState<'skip' | 'overwrite'>('skip')
  const [preview, setPreview] = useState<ImportResult | null>(null)
  const [busy, setBusy] = useState<'inspect' | 'import' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirmReplace, setConfirmReplace] = useState(false)
  const [progress, setProgress] = useBackupProgress()

  /** "Import…": the open dialog, then the preview (once the passphrase is typed). */
  async function pickAndPreview() {
    const chosen = await pickPath({ kind: 'open', purpose: 'backup', title: t('backup.openTitle') })
    if (!chosen) return
    setPath(chosen)
    setPreview(null)
    if (passphrase) await run('inspect', chosen)
    else setError(t('backup.passphraseFirst'))
  }

  async function run(kind: 'inspect' | 'import', file = path) {
    const input = { path: file, passphrase, mode, onConflict }
    setBusy(kind)
    setError(null)
    setProgress(null)
    try {
      const r = kind === 'inspect' ? await call('backup.inspect', input) : await call('backup.import', input)
      setPreview(r)
      if (r.applied) {
        notifySuccess(
          t('backup.imported', { added: r.preview.totals.added, overwritten: r.preview.totals.overwritten }),
        )
        setPassphrase('')
      }
    } catch (err) {
      setError(describeError(err))
      setPreview(null)
    } finally {
      setBusy(null)
    }
  }

  const changed = () => setPreview(null)
  return (
    <Flex direction="column" gap="2" role="group" aria-labelledby="import-title">
      <Text weight="bold" id="import-title">
        {t('backup.import')}
      </Text>
      <TextField.Root
        type="password"
        placeholder={t('backup.passphrase')}
        aria-label={t('backup.passphrase')}
        value={passphrase}
        onChange={(e) => {
          setPassphrase(e.target.value)
          changed()
        }}
        data-testid="import-passphrase"
      />
      <Flex gap="3" align="center" wrap="wrap">
        <Select.Root
          value={mode}
          onValueChange={(v) => {
            setMode(v as typeof mode)
            changed()
          }}
        >
          <Select.Trigger aria-label={t('backup.mode')} data-testid="import-mode" />
          <Select.Content>
            <Select.Item value="merge">{t('backup.mode.merge')}</Select.Item>
            <Select.Item value="replace">{t('backup.mode.replace')}</Select.Item>
          </Select.Content>
        </Select.Root>
        {mode === 'merge' && (
          <Select.Root
            value={onConflict}
            onValueChange={(v) => {
              setOnConflict(v as typeof onConflict)
              changed()
            }}
          >
            <Select.Trigger aria-label={t('backup.conflicts')} />
            <Select.Content>
              <Select.Item value="skip">{t('backup.conflict.skip')}</Select.Item>
              <Select.Item value="overwrite">{t('backup.conflict.overwrite')}</Select.Item>
            </Select.Content>
          </Select.Root>
        )}
      </Flex>
      {busy && progress && progress.operation !== 'export' && <ProgressLine progress={progress} t={t} />}
      {error && (
        <Text color="red" size="2" role="alert" data-testid="import-error">
          {error}
        </Text>
      )}
      {preview && <PreviewTable result={preview} />}
      <Flex gap="2" wrap="wrap">
        <Button disabled={busy !== null} onClick={() => void pickAndPreview()} data-testid="import-pick">
          {t('backup.importPick')}
        </Button>
        <Button
          variant="soft"
          loading={busy === 'inspect'}
          disabled={!path || !passphrase}
          onClick={() => void run('inspect')}
          data-testid="import-preview"
        >
          {t('backup.preview')}
        </Button>
        <Button
          color={mode === 'replace' ? 'red' : undefined}
          loading={busy === 'import'}
          disabled={!preview || preview.applied}
          onClick={() => (mode === 'replace' ? setConfirmReplace(true) : void run('import'))}
          data-testid="import-apply"
        >
          {mode === 'replace' ? t('backup.applyReplace') : t('backup.apply')}
        </Button>
      </Flex>
      {confirmReplace && (
        <ConfirmDialog
          title={t('confirm.replaceTitle')}
          description={t('confirm.replaceBody')}
          confirmLabel={t('backup.applyReplace')}
          typedWord={t('confirm.replaceWord')}
          onConfirm={() => run('import')}
          onClose={() => setConfirmReplace(false)}
        />
      )}
      <Text size="1" color="gray">
        {t('backup.typedPathHint')}
      </Text>
      <TextField.Root
        value={path}
        placeholder={t('backup.importPath')}
        aria-label={t('backup.file')}
        onChange={(e) => {
          setPath(e.target.value)
          changed()
        }}
        data-testid="import-path"
      />
    </Flex>
  )
}

function PreviewTable({ result }: { result: ImportResult }) {
  const t = useT()
  const p = result.preview
  return (
    <Flex direction="column" gap="2" data-testid="import-preview-table">
      {result.applied ? (
        <Callout.Root color="green" size="1">
          <Callout.Text>
            {t('backup.imported', { added: p.totals.added, overwritten: p.totals.overwritten })}
          </Callout.Text>
        </Callout.Root>
      ) : (
        <Text size="2">
          {t('backup.previewSummary', {
            date: new Date(result.contents.createdAt).toLocaleString(),
            incoming: p.totals.incoming,
            new: p.totals.new,
            conflicts: p.totals.conflicts,
          })}
        </Text>
      )}
      <Table.Root size="1" variant="surface">
        <Table.Header>
          <Table.Row>
            <Table.ColumnHeaderCell>{t('backup.table')}</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>{t('backup.incoming')}</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>{t('backup.new')}</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>{t('backup.conflictsCol')}</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>
              {result.applied ? t('backup.added') : t('backup.willAdd')}
            </Table.ColumnHeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {p.tables
            .filter((x) => x.incoming > 0 || x.existing > 0)
            .map((x) => (
              <Table.Row key={x.table} data-testid={`preview-row-${x.table}`}>
                <Table.RowHeaderCell>{tableLabel(x.table, t)}</Table.RowHeaderCell>
                <Table.Cell>{x.incoming}</Table.Cell>
                <Table.Cell>{x.new}</Table.Cell>
                <Table.Cell title={x.conflictKeys.join(', ')}>{x.conflicts}</Table.Cell>
                <Table.Cell>{x.added + x.overwritten}</Table.Cell>
              </Table.Row>
            ))}
        </Table.Body>
      </Table.Root>
    </Flex>
  )
}

/** What a backed-up table holds, in words (a table added later shows its own name until it has one). */
const TABLE_LABELS: Record<string, MessageKey> = {
  credentials: 'backup.table.credentials',
  ha_instances: 'backup.table.ha_instances',
  bridge_tokens: 'backup.table.bridge_tokens',
  bridge_tool_permissions: 'backup.table.bridge_tool_permissions',
  bridge_upstreams: 'backup.table.bridge_upstreams',
  settings: 'backup.table.settings',
  audit_log: 'backup.table.audit_log',
}

function tableLabel(table: string, t: T): string {
  const key = TABLE_LABELS[table]
  return key ? t(key) : table.replace(/_/g, ' ')
}

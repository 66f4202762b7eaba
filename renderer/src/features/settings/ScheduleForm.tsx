import { useEffect, useState } from 'react'
import { Button, Flex, Select, Switch, Text, TextField } from '@radix-ui/themes'
import { PathField } from '../../components/PathField'
import { MIN_PASSPHRASE_LENGTH } from '../../../../shared/ipc/backup'
import type { ChannelOutput } from '../../../../shared/ipc'
import { call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { dateTime } from '../../lib/format'
import { errorText } from '../../lib/error-text'
import { attempt, describeError, notifySuccess } from '../../lib/notify'

type Schedule = ChannelOutput<'backup.schedule.get'>
const INTERVALS = [60 * 24, 60 * 24 * 7] as const

/** Scheduled backups into a folder, rotated, protected by a passphrase set here once. */
export function ScheduleForm({ defaultFolder }: { defaultFolder: string }) {
  const t = useT()
  const lang = useLanguage()
  const [s, setS] = useState<Schedule | null>(null)
  const [folder, setFolder] = useState('')
  const [interval, setIntervalMinutes] = useState<number>(INTERVALS[0])
  const [passphrase, setPassphrase] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    void attempt(async () => {
      const r = await call('backup.schedule.get')
      setS(r)
      setFolder(r.folder ?? defaultFolder)
      setIntervalMinutes(r.intervalMinutes)
    })
  }, [defaultFolder])
  if (!s) return null

  async function save(enabled: boolean) {
    if (enabled && !s?.hasKey && [...passphrase].length < MIN_PASSPHRASE_LENGTH)
      return setError(t('backup.passphraseShort', { n: MIN_PASSPHRASE_LENGTH }))
    setBusy(true)
    setError(null)
    try {
      setS(
        await call('backup.schedule.set', {
          enabled,
          folder,
          intervalMinutes: interval,
          passphrase: passphrase || undefined,
        }),
      )
      setPassphrase('')
      notifySuccess(t('settings.saved'))
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Flex direction="column" gap="2" role="group" aria-labelledby="schedule-title">
      <Flex justify="between" align="center">
        <Text weight="bold" id="schedule-title">
          {t('backup.schedule')}
        </Text>
        <Switch
          checked={s.enabled}
          disabled={busy}
          onCheckedChange={(on) => void save(on)}
          aria-label={t('backup.schedule')}
        />
      </Flex>
      <PathField
        value={folder}
        onChange={setFolder}
        request={{ kind: 'folder', purpose: 'backup', title: t('backup.folderTitle') }}
        label={t('backup.folder')}
        testId="schedule-folder"
      />
      <Flex gap="2" align="center">
        <Select.Root value={String(interval)} onValueChange={(v) => setIntervalMinutes(Number(v))}>
          <Select.Trigger aria-label={t('backup.every')} />
          <Select.Content>
            {(INTERVALS.includes(interval as (typeof INTERVALS)[number])
              ? INTERVALS
              : [...INTERVALS, interval]
            ).map((m) => (
              <Select.Item key={m} value={String(m)}>
                {m === 60 * 24
                  ? t('backup.daily')
                  : m === 60 * 24 * 7
                    ? t('backup.weekly')
                    : t('backup.everyMinutes', { n: m })}
              </Select.Item>
            ))}
          </Select.Content>
        </Select.Root>
        <TextField.Root
          style={{ flex: 1 }}
          type="password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          placeholder={s.hasKey ? t('backup.passphraseKeep') : t('backup.passphrase')}
          aria-label={t('backup.passphrase')}
        />
        <Button variant="soft" loading={busy} onClick={() => void save(s.enabled)}>
          {t('common.save')}
        </Button>
        {s.enabled && (
          <Button
            variant="soft"
            onClick={() =>
              void attempt(async () => {
                const r = await call('backup.runNow')
                setS(await call('backup.schedule.get'))
                notifySuccess(
                  t('backup.exported', {
                    path: r.path,
                    rows: r.tables.reduce((n, x) => n + x.rows, 0),
                    kb: Math.ceil(r.bytes / 1024),
                  }),
                )
              })
            }
          >
            {t('backup.runNow')}
          </Button>
        )}
      </Flex>
      <Text size="1" color="gray">
        {s.lastRunAt ? t('backup.lastRun', { when: dateTime(s.lastRunAt, lang) }) : t('backup.neverRun')}
        {s.nextRunAt && s.enabled ? ` · ${t('backup.nextRun', { when: dateTime(s.nextRunAt, lang) })}` : ''}
      </Text>
      {(error ?? s.lastError) && (
        <Text size="2" color="red" role="alert">
          {error ??
            (s.lastErrorCode
              ? errorText({ code: s.lastErrorCode, message: s.lastError ?? '' }, lang)
              : s.lastError)}
        </Text>
      )}
    </Flex>
  )
}

import { useEffect, useState } from 'react'
import { Flex, Select, Text } from '@radix-ui/themes'
import { call } from '../../api'
import { useT } from '../../i18n'
import { attempt, notifySuccess } from '../../lib/notify'

const CHOICES = [30, 90, 180, 365, 3650]

/** How long the activity log keeps entries; shortening it deletes older rows at once. */
export function RetentionRow() {
  const t = useT()
  const [days, setDays] = useState<number | null>(null)
  useEffect(() => {
    void attempt(async () => setDays((await call('audit.getRetention')).days))
  }, [])
  if (days === null) return null
  const options = CHOICES.includes(days) ? CHOICES : [...CHOICES, days].sort((a, b) => a - b)
  return (
    <Flex align="center" justify="between" gap="3">
      <Text id="retention-label">{t('settings.retention')}</Text>
      <Select.Root
        value={String(days)}
        onValueChange={(v) =>
          void attempt(async () => {
            const r = await call('audit.setRetention', { days: Number(v) })
            setDays(r.days)
            notifySuccess(t('settings.retentionSaved', { n: r.removed }))
          })
        }
      >
        <Select.Trigger aria-labelledby="retention-label" />
        <Select.Content>
          {options.map((d) => (
            <Select.Item key={d} value={String(d)}>
              {t('settings.retentionDays', { n: d })}
            </Select.Item>
          ))}
        </Select.Content>
      </Select.Root>
    </Flex>
  )
}

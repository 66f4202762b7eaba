import { Select } from '@radix-ui/themes'
import { AUTO_LOCK_CHOICES } from '../../../../shared/ipc/vault'
import type { ChannelInput } from '../../../../shared/ipc'
import { useT } from '../../i18n'

export type AutoLock = NonNullable<ChannelInput<'vault.create'>['autoLockMinutes']> | null

/** Idle minutes before the vault locks itself, or never. */
export function AutoLockSelect(props: { value: AutoLock; onChange(v: AutoLock): void; id?: string }) {
  const t = useT()
  return (
    <Select.Root
      value={props.value === null ? 'never' : String(props.value)}
      onValueChange={(v) => props.onChange(v === 'never' ? null : (Number(v) as AutoLock))}
    >
      <Select.Trigger id={props.id} aria-label={t('autolock.label')} data-testid="autolock-select" />
      <Select.Content>
        {AUTO_LOCK_CHOICES.map((m) => (
          <Select.Item key={m} value={String(m)}>
            {m < 60 ? t('autolock.minutes', { n: m }) : t('autolock.hours', { n: m / 60 })}
          </Select.Item>
        ))}
        <Select.Item value="never">{t('autolock.never')}</Select.Item>
      </Select.Content>
    </Select.Root>
  )
}

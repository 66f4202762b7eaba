import { useEffect, useState, type FormEvent } from 'react'
import { Button, Callout, Card, Flex, Heading, Progress, Text, TextField } from '@radix-ui/themes'
import { call, onEvent } from '../../api'
import { useT } from '../../i18n'
import { attempt, describeError, notifySuccess } from '../../lib/notify'
import { AutoLockSelect } from '../vault/AutoLockSelect'
import { RetentionRow } from './RetentionRow'
import { MIN_PASSWORD } from '../vault/Onboarding'
import { useVault } from '../vault/store'
import { ConfirmDialog } from '../../components/ConfirmDialog'

/** Auto-lock, master password, keychain slot and key rotation. */
export function SecuritySection() {
  const t = useT()
  const status = useVault((s) => s.status)
  if (!status) return null
  return (
    <Card size="3">
      <Flex direction="column" gap="4">
        <Heading as="h2" size="4">
          {t('settings.security')}
        </Heading>
        <Flex align="center" justify="between" gap="3">
          <Text as="label" htmlFor="settings-autolock">
            {t('autolock.label')}
          </Text>
          <AutoLockSelect
            id="settings-autolock"
            value={status.autoLockMinutes}
            onChange={(minutes) =>
              void attempt(async () => {
                useVault.setState({ status: await call('vault.setAutoLock', { minutes }) })
                notifySuccess(t('settings.saved'))
              })
            }
          />
        </Flex>
        <PasswordForm hasPassword={status.hasPassword} />
        <KeychainRow />
        <RotateKey hasPassword={status.hasPassword} />
        <RetentionRow />
      </Flex>
    </Card>
  )
}

function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const t = useT()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirmRemove, setConfirmRemove] = useState(false)

  // Only when the keychain also protects the vault: it must keep one way to open.
  const keychainSlot = useVault((s) => s.status?.protectors.includes('os') ?? false)
  async function removePassword() {
    setError(null)
    try {
      useVault.setState({ status: await call('vault.removePassword', { current }) })
      setCurrent('')
      notifySuccess(t('settings.passwordRemoved'))
    } catch (err) {
      setError(describeError(err))
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (next.length < MIN_PASSWORD) return setError(t('onboarding.passwordTooShort', { n: MIN_PASSWORD }))
    if (next !== confirm) return setError(t('onboarding.passwordMismatch'))
    setBusy(true)
    setError(null)
    try {
      const status = await call('vault.setPassword', { current: hasPassword ? current : undefined, next })
      useVault.setState({ status })
      setCurrent('')
      setNext('')
      setConfirm('')
      notifySuccess(hasPassword ? t('settings.passwordChanged') : t('settings.passwordAdded'))
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="pw-title">
      <Flex direction="column" gap="2">
        <Text weight="bold" id="pw-title">
          {hasPassword ? t('settings.changePassword') : t('settings.addPassword')}
        </Text>
        {hasPassword && (
          <TextField.Root
            type="password"
            autoComplete="current-password"
            placeholder={t('settings.currentPassword')}
            aria-label={t('settings.currentPassword')}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            data-testid="current-password"
          />
        )}
        <Flex gap="2">
          <TextField.Root
            style={{ flex: 1 }}
            type="password"
            autoComplete="new-password"
            placeholder={t('settings.newPassword')}
            aria-label={t('settings.newPassword')}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            data-testid="next-password"
          />
          <TextField.Root
            style={{ flex: 1 }}
            type="password"
            autoComplete="new-password"
            placeholder={t('onboarding.confirm')}
            aria-label={t('onboarding.confirm')}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            data-testid="next-password-confirm"
          />
        </Flex>
        {error && (
          <Text color="red" size="2" role="alert">
            {error}
          </Text>
        )}
        <Flex gap="2">
          <Button type="submit" variant="soft" loading={busy} data-testid="save-password">
            {hasPassword ? t('settings.changePassword') : t('settings.addPassword')}
          </Button>
          {hasPassword && keychainSlot && (
            <Button
              type="button"
              variant="ghost"
              color="red"
              disabled={!current}
              onClick={() => setConfirmRemove(true)}
              data-testid="remove-password"
            >
              {t('settings.removePassword')}
            </Button>
          )}
        </Flex>
        {confirmRemove && (
          <ConfirmDialog
            title={t('confirm.removePasswordTitle')}
            description={t('confirm.removePasswordBody')}
            confirmLabel={t('settings.removePassword')}
            typedWord={t('confirm.removePasswordWord')}
            onConfirm={removePassword}
            onClose={() => setConfirmRemove(false)}
          />
        )}
      </Flex>
    </form>
  )
}

function KeychainRow() {
  const t = useT()
  const status = useVault((s) => s.status)!
  const inUse = status.protectors.includes('os')
  if (!status.osKeychain.available && !inUse) return null
  return (
    <Flex align="center" justify="between" gap="3">
      <Text>
        {inUse
          ? t('settings.keychainOn', { keychain: status.osKeychain.label })
          : t('settings.keychainOff', { keychain: status.osKeychain.label })}
      </Text>
      <Button
        variant="soft"
        color={inUse ? 'red' : undefined}
        disabled={inUse && !status.hasPassword}
        title={inUse && !status.hasPassword ? t('settings.keychainOnly') : undefined}
        onClick={() =>
          void attempt(async () => {
            useVault.setState({ status: await call(inUse ? 'vault.removeKeychain' : 'vault.addKeychain') })
          })
        }
      >
        {inUse ? t('settings.removeKeychain') : t('settings.addKeychain')}
      </Button>
    </Flex>
  )
}

function RotateKey({ hasPassword }: { hasPassword: boolean }) {
  const t = useT()
  const [password, setPassword] = useState('')
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => onEvent('vault.rotateProgress', setProgress), [])

  async function rotate() {
    setBusy(true)
    setProgress(null)
    const r = await attempt(() => call('vault.rotateKey', hasPassword ? { password } : {}))
    setBusy(false)
    setPassword('')
    if (r) notifySuccess(t('settings.rotated', { n: r.resealed, version: r.keyVersion }))
  }

  return (
    <Flex direction="column" gap="2">
      <Text weight="bold">{t('settings.rotateKey')}</Text>
      <Text size="2" color="gray">
        {t('settings.rotateHelp')}
      </Text>
      <Flex gap="2">
        {hasPassword && (
          <TextField.Root
            style={{ flex: 1 }}
            type="password"
            placeholder={t('settings.currentPassword')}
            aria-label={t('settings.currentPassword')}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="rotate-password"
          />
        )}
        <Button variant="soft" loading={busy} onClick={() => void rotate()} data-testid="rotate-key">
          {t('settings.rotate')}
        </Button>
      </Flex>
      {busy && progress && (
        <Callout.Root size="1">
          <Callout.Text>
            {t('settings.rotating', { done: progress.done, total: progress.total })}
          </Callout.Text>
          <Progress value={progress.total ? (progress.done / progress.total) * 100 : 0} />
        </Callout.Root>
      )}
    </Flex>
  )
}

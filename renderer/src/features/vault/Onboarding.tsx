import { useState, type FormEvent } from 'react'
import { Button, Card, Flex, Heading, RadioCards, Text, TextField } from '@radix-ui/themes'
import type { VaultMode } from '../../../../shared/ipc/vault'
import { useLanguage, useT, type Language, type T } from '../../i18n'
import { describeError } from '../../lib/notify'
import { LanguageThemeBar } from '../settings/LanguageThemeBar'
import { AutoLockSelect, type AutoLock } from './AutoLockSelect'
import { useVault, type VaultStatus } from './store'
import { ErrorCallout } from '../../components/Field'

export const MIN_PASSWORD = 8

/** First run: create the vault, choose how its key is protected and when it locks itself. */
/** Why no OS keychain can be used, in the UI language (English keeps the core's sentence). */
function keychainReason(k: VaultStatus['osKeychain'], t: T, lang: Language): string {
  if (lang === 'en' || !k.reasonCode) return k.reason ?? t('onboarding.noKeychain')
  return t(`keychainIssue.${k.reasonCode}`, { backend: k.backend ?? '' })
}

export function Onboarding({ status }: { status: VaultStatus }) {
  const t = useT()
  const lang = useLanguage()
  const keychain = status.osKeychain.available
  const [mode, setMode] = useState<VaultMode>(keychain ? 'keychain' : 'password')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [autoLock, setAutoLock] = useState<AutoLock>(15)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const needsPassword = mode !== 'keychain'

  const problem = !needsPassword
    ? null
    : password.length < MIN_PASSWORD
      ? t('onboarding.passwordTooShort', { n: MIN_PASSWORD })
      : password !== confirm
        ? t('onboarding.passwordMismatch')
        : null

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (problem) return setError(problem)
    setBusy(true)
    setError(null)
    try {
      await useVault
        .getState()
        .create({ mode, password: needsPassword ? password : undefined, autoLockMinutes: autoLock })
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Flex asChild justify="center" p="6" className="kb-fullscreen">
      <main>
        <Card size="4" style={{ width: 560 }} asChild>
          <form onSubmit={submit} aria-labelledby="onboarding-title">
            <Flex direction="column" gap="4">
              <Flex justify="between" align="center">
                <Heading id="onboarding-title" size="6">
                  {t('onboarding.title')}
                </Heading>
                <LanguageThemeBar />
              </Flex>
              <Text color="gray">{t('onboarding.intro')}</Text>

              <Text as="div" weight="bold" id="mode-label">
                {t('onboarding.protection')}
              </Text>
              <RadioCards.Root
                value={mode}
                onValueChange={(v) => setMode(v as VaultMode)}
                columns="1"
                aria-labelledby="mode-label"
              >
                {keychain ? (
                  <>
                    <RadioCards.Item value="keychain" data-testid="mode-keychain">
                      <Flex direction="column" width="100%">
                        <Text weight="bold">{t('onboarding.mode.keychain')}</Text>
                        <Text size="2" color="gray">
                          {t('onboarding.mode.keychainHelp', { keychain: status.osKeychain.label })}
                        </Text>
                      </Flex>
                    </RadioCards.Item>
                    <RadioCards.Item value="keychain+password" data-testid="mode-keychain-password">
                      <Flex direction="column" width="100%">
                        <Text weight="bold">{t('onboarding.mode.both')}</Text>
                        <Text size="2" color="gray">
                          {t('onboarding.mode.bothHelp')}
                        </Text>
                      </Flex>
                    </RadioCards.Item>
                  </>
                ) : (
                  <RadioCards.Item value="password" data-testid="mode-password">
                    <Flex direction="column" width="100%">
                      <Text weight="bold">{t('onboarding.mode.password')}</Text>
                      <Text size="2" color="gray">
                        {t('onboarding.mode.passwordHelp', {
                          reason: keychainReason(status.osKeychain, t, lang),
                        })}
                      </Text>
                    </Flex>
                  </RadioCards.Item>
                )}
              </RadioCards.Root>

              {needsPassword && (
                <Flex direction="column" gap="2">
                  <Text as="label" htmlFor="new-password" weight="bold">
                    {t('onboarding.password')}
                  </Text>
                  <TextField.Root
                    id="new-password"
                    type="password"
                    autoComplete="new-password"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    data-testid="new-password"
                  />
                  <Text as="label" htmlFor="confirm-password" weight="bold">
                    {t('onboarding.confirm')}
                  </Text>
                  <TextField.Root
                    id="confirm-password"
                    type="password"
                    autoComplete="new-password"
                    value={confirm}
                    onChange={(e) => setConfirm(e.target.value)}
                    data-testid="confirm-password"
                  />
                  <Text size="1" color="gray">
                    {t('onboarding.passwordHelp')}
                  </Text>
                </Flex>
              )}

              <Flex direction="column" gap="2">
                <Text as="label" htmlFor="onboarding-autolock" weight="bold">
                  {t('autolock.label')}
                </Text>
                <AutoLockSelect id="onboarding-autolock" value={autoLock} onChange={setAutoLock} />
              </Flex>

              <ErrorCallout error={error} />
              <Button type="submit" size="3" loading={busy} data-testid="create-vault">
                {t('onboarding.create')}
              </Button>
            </Flex>
          </form>
        </Card>
      </main>
    </Flex>
  )
}

import { useState, type FormEvent } from 'react'
import { Button, Card, Flex, Heading, Separator, Text, TextField } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { describeError } from '../../lib/notify'
import { LanguageThemeBar } from '../settings/LanguageThemeBar'
import { useVault, type VaultStatus } from './store'
import { ErrorCallout } from '../../components/Field'

/** Unlock with the master password, or with the OS keychain when it holds a keyslot. */
export function LockScreen({ status }: { status: VaultStatus }) {
  const t = useT()
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState<'password' | 'keychain' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const keychain = !status.passwordRequired && status.protectors.includes('os')
  const passwordField = status.hasPassword

  async function unlock(kind: 'password' | 'keychain') {
    setBusy(kind)
    setError(null)
    try {
      await useVault.getState().unlock(kind === 'password' ? password : undefined)
    } catch (err) {
      setError(describeError(err))
      setPassword('')
    } finally {
      setBusy(null)
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    if (!password) return setError(t('lock.enterPassword'))
    void unlock('password')
  }

  return (
    <Flex asChild justify="center" align="center" p="6" className="kb-fullscreen">
      <main>
        <Card size="4" style={{ width: 420 }}>
          <Flex direction="column" gap="4">
            <Flex justify="between" align="center">
              <Heading size="6" data-testid="lock-title">
                {t('lock.title')}
              </Heading>
              <LanguageThemeBar />
            </Flex>
            <Text color="gray">{t('lock.intro')}</Text>
            {passwordField && (
              <form onSubmit={submit}>
                <Flex direction="column" gap="2">
                  <Text as="label" htmlFor="unlock-password" weight="bold">
                    {t('lock.password')}
                  </Text>
                  <TextField.Root
                    id="unlock-password"
                    type="password"
                    autoComplete="current-password"
                    autoFocus
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    data-testid="unlock-password"
                  />
                  <Button type="submit" loading={busy === 'password'} data-testid="unlock-submit">
                    {t('lock.unlock')}
                  </Button>
                </Flex>
              </form>
            )}
            {passwordField && keychain && <Separator size="4" />}
            {keychain && (
              <Button
                variant={passwordField ? 'soft' : 'solid'}
                loading={busy === 'keychain'}
                onClick={() => void unlock('keychain')}
                data-testid="unlock-keychain"
                autoFocus={!passwordField}
              >
                {t('lock.withKeychain', { keychain: status.osKeychain.label })}
              </Button>
            )}
            <ErrorCallout error={error} testId="unlock-error" />
          </Flex>
        </Card>
      </main>
    </Flex>
  )
}

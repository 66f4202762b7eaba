import { useState, type FormEvent } from 'react'
import { Button, Card, Flex, Heading, Separator, Text, TextField } from '@radix-ui/themes'
import { ApiError } from '../../api'
import { useT } from '../../i18n'
import { describeError } from '../../lib/notify'
import { useNow } from '../../lib/use-now'
import { LanguageThemeBar } from '../settings/LanguageThemeBar'
import { useVault, type VaultStatus } from './store'
import { ErrorCallout } from '../../components/Field'

/** Unlock with the master password, or with the OS keychain when it holds a keyslot. */
export function LockScreen({ status }: { status: VaultStatus }) {
  const t = useT()
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState<'password' | 'keychain' | null>(null)
  const [error, setError] = useState<string | null>(null)
  // After too many wrong passwords the core owes a delay; the button waits it out, counting down.
  const [retryAt, setRetryAt] = useState<number | null>(status.unlockRetryAt ?? null)
  const now = useNow(retryAt ? 1000 : 60_000)
  const waitSeconds = retryAt && retryAt > now ? Math.ceil((retryAt - now) / 1000) : 0
  const keychain = !status.passwordRequired && status.protectors.includes('os')
  const passwordField = status.hasPassword

  async function unlock(kind: 'password' | 'keychain') {
    setBusy(kind)
    setError(null)
    try {
      await useVault.getState().unlock(kind === 'password' ? password : undefined)
    } catch (err) {
      setError(describeError(err))
      const at = err instanceof ApiError ? err.params?.['retryAt'] : undefined
      setRetryAt(typeof at === 'number' ? at : null)
      setPassword('')
    } finally {
      setBusy(null)
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    if (!password) return setError(t('lock.enterPassword'))
    if (waitSeconds > 0) return
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
                  <Button
                    type="submit"
                    loading={busy === 'password'}
                    disabled={waitSeconds > 0}
                    data-testid="unlock-submit"
                  >
                    {t('lock.unlock')}
                  </Button>
                  {waitSeconds > 0 && (
                    <Text size="2" color="gray" aria-live="polite" data-testid="unlock-wait">
                      {t('lock.retryIn', { n: waitSeconds })}
                    </Text>
                  )}
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

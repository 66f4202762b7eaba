import { useEffect, useSyncExternalStore } from 'react'
import { Button, Callout, Flex, Spinner, Theme } from '@radix-ui/themes'
import { useSettings, watchSettings, type ThemeChoice } from './features/settings/store'
import { useVault, watchVault } from './features/vault/store'
import { Onboarding } from './features/vault/Onboarding'
import { LockScreen } from './features/vault/LockScreen'
import { Shell } from './features/shell/Shell'
import { Toasts } from './features/shell/Toasts'
import { describeError } from './lib/notify'
import { useT } from './i18n'

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)')

function useAppearance(choice: ThemeChoice): 'light' | 'dark' {
  const systemDark = useSyncExternalStore(
    (cb) => {
      const q = darkQuery()
      q.addEventListener('change', cb)
      return () => q.removeEventListener('change', cb)
    },
    () => darkQuery().matches,
  )
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice
}

export function App() {
  const theme = useSettings((s) => s.theme)
  const language = useSettings((s) => s.language)
  const appearance = useAppearance(theme)
  useEffect(() => {
    document.documentElement.lang = language
    document.documentElement.style.colorScheme = appearance
  }, [language, appearance])
  return (
    <Theme appearance={appearance} accentColor="indigo" grayColor="slate" radius="medium">
      <Root />
      <Toasts />
    </Theme>
  )
}

/** First run → onboarding; locked → lock screen; otherwise the app. */
function Root() {
  const t = useT()
  const status = useVault((s) => s.status)
  const loadError = useVault((s) => s.loadError)
  useEffect(() => {
    void useVault.getState().refresh()
    void useSettings.getState().load()
    const offSettings = watchSettings()
    const offVault = watchVault()
    return () => {
      offSettings()
      offVault()
    }
  }, [])

  if (!status) {
    return (
      <Flex align="center" justify="center" height="100vh" direction="column" gap="3">
        {loadError ? (
          <>
            <Callout.Root color="red" role="alert">
              <Callout.Text>{describeError(loadError)}</Callout.Text>
            </Callout.Root>
            <Button onClick={() => void useVault.getState().refresh()}>{t('common.retry')}</Button>
          </>
        ) : (
          <Spinner size="3" aria-label={t('common.loading')} />
        )}
      </Flex>
    )
  }
  if (!status.initialized) return <Onboarding status={status} />
  if (status.locked) return <LockScreen status={status} />
  return <Shell />
}

import { useEffect, type ReactNode } from 'react'
import { Box, Button, Flex, Heading, Kbd, Text } from '@radix-ui/themes'
import { useT, type MessageKey } from '../../i18n'
import { onEvent } from '../../api'
import { attempt } from '../../lib/notify'
import { useVault } from '../vault/store'
import { Dashboard } from '../dashboard/Dashboard'
import { CredentialsScreen } from '../credentials/CredentialsScreen'
import { HomeAssistantScreen } from '../homeassistant/HomeAssistantScreen'
import { BridgeScreen } from '../bridge/BridgeScreen'
import { ActivityScreen } from '../activity/ActivityScreen'
import { SettingsScreen } from '../settings/SettingsScreen'
import { ApprovalDialog } from '../bridge/ApprovalDialog'
import { ImportScreen } from '../import/ImportScreen'
import { IntegrityBanner } from '../vault/IntegrityBanner'
import { NAV_PARENT, SCREENS, useShell, type NavScreen, type Screen } from './store'

const SCREEN_VIEWS: Record<Screen, () => ReactNode> = {
  dashboard: () => <Dashboard />,
  credentials: () => <CredentialsScreen />,
  homeassistant: () => <HomeAssistantScreen />,
  bridge: () => <BridgeScreen />,
  activity: () => <ActivityScreen />,
  settings: () => <SettingsScreen />,
  import: () => <ImportScreen />,
}

const isMac = navigator.platform.toLowerCase().includes('mac')

function lockNow() {
  void attempt(() => useVault.getState().lock())
}

/** Ctrl+L (Cmd+L on macOS) locks from anywhere in the app. */
function useLockShortcut() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((isMac ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault()
        lockNow()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}

/** A credential turned invalid, expired or is about to: say so wherever the user is. */
function useAttentionToasts() {
  useEffect(
    () =>
      onEvent('credentials.attention', (e) =>
        useShell.getState().toast(e.kind === 'expiring' ? 'info' : 'error', e.message),
      ),
    [],
  )
}

/** The unlocked app: sidebar navigation, a top bar with "Lock now", and the current screen. */
export function Shell() {
  const t = useT()
  const screen = useShell((s) => s.screen)
  const go = useShell((s) => s.go)
  useLockShortcut()
  useAttentionToasts()
  return (
    <Flex className="kb-shell">
      <Box asChild className="kb-sidebar">
        <nav aria-label={t('nav.label')}>
          <Flex direction="column" gap="1" p="3" height="100%">
            <Heading size="5" mb="4" ml="2" mt="1">
              Keybridge
            </Heading>
            {SCREENS.map((s) => (
              <button
                key={s}
                type="button"
                className="kb-nav-item"
                aria-current={s === (NAV_PARENT[screen] ?? screen) ? 'page' : undefined}
                onClick={() => go(s)}
                data-testid={`nav-${s}`}
              >
                <span aria-hidden className="kb-nav-icon">
                  {NAV_ICONS[s]}
                </span>
                {t(`nav.${s}` as MessageKey)}
              </button>
            ))}
          </Flex>
        </nav>
      </Box>
      <Flex direction="column" className="kb-main">
        <Flex className="kb-topbar" align="center" justify="between" px="5" py="3">
          <Heading as="h1" size="6" data-testid="screen-title">
            {t(`nav.${screen}` as MessageKey)}
          </Heading>
          <Flex align="center" gap="3">
            <Text size="1" color="gray" aria-hidden>
              <Kbd>{isMac ? '⌘' : 'Ctrl'}+L</Kbd>
            </Text>
            <Button variant="soft" onClick={lockNow} data-testid="lock-now" title={t('shell.lockHint')}>
              {t('shell.lockNow')}
            </Button>
          </Flex>
        </Flex>
        <Box asChild className="kb-content" p="5">
          <main>
            <IntegrityBanner />
            {SCREEN_VIEWS[screen]()}
          </main>
        </Box>
      </Flex>
      <ApprovalDialog />
    </Flex>
  )
}

const NAV_ICONS: Record<NavScreen, string> = {
  dashboard: '◧',
  credentials: '◆',
  homeassistant: '⌂',
  bridge: '⇄',
  activity: '≡',
  settings: '⚙',
}

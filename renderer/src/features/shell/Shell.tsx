import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { Box, Button, Flex, Heading, Kbd, Text } from '@radix-ui/themes'
import { currentLanguage, translate, useT, type MessageKey } from '../../i18n'
import { relativeTime } from '../../lib/format'
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
import { PlaygroundScreen } from '../playground/PlaygroundScreen'
import { IntegrityBanner } from '../vault/IntegrityBanner'
import { NAV_PARENT, SCREENS, useShell, type NavScreen, type Screen } from './store'
import { CommandPalette, useCommandPaletteShortcut } from './CommandPalette'

const SCREEN_VIEWS: Record<Screen, () => ReactNode> = {
  dashboard: () => <Dashboard />,
  credentials: () => <CredentialsScreen />,
  homeassistant: () => <HomeAssistantScreen />,
  bridge: () => <BridgeScreen />,
  activity: () => <ActivityScreen />,
  settings: () => <SettingsScreen />,
  import: () => <ImportScreen />,
  playground: () => <PlaygroundScreen />,
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
      onEvent('credentials.attention', (e) => {
        const lang = currentLanguage()
        const message =
          lang === 'en'
            ? e.message
            : translate(lang, `attention.${e.kind}`, {
                ref: e.ref,
                when: e.expiresAt ? relativeTime(e.expiresAt, lang, Date.now()) : '',
              })
        useShell.getState().toast(e.kind === 'expiring' ? 'info' : 'error', message)
      }),
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
  const [palette, setPalette] = useState(false)
  const openPalette = useCallback(() => setPalette(true), [])
  useCommandPaletteShortcut(openPalette)
  const title = useRef<HTMLHeadingElement>(null)
  // After unlock (and at launch) the shell comes back on the screen that was open: focus its title,
  // so keyboard and screen-reader users start there instead of on the page's body.
  useEffect(() => {
    if (document.activeElement === document.body || !document.activeElement) title.current?.focus()
  }, [])
  return (
    <Flex className="kb-shell">
      <Box asChild className="kb-sidebar">
        <nav aria-label={t('nav.label')}>
          <Flex direction="column" gap="1" p="3" height="100%">
            <Heading size="5" mb="4" ml="2" mt="1" className="kb-brand">
              <span className="kb-nav-label">Keybridge</span>
              <span className="kb-brand-short" aria-hidden>
                K
              </span>
            </Heading>
            {SCREENS.map((s) => (
              <button
                key={s}
                type="button"
                className="kb-nav-item"
                aria-current={s === (NAV_PARENT[screen] ?? screen) ? 'page' : undefined}
                onClick={() => go(s)}
                data-testid={`nav-${s}`}
                // The label is hidden when the sidebar collapses to icons: the name stays.
                aria-label={t(`nav.${s}` as MessageKey)}
                title={t(`nav.${s}` as MessageKey)}
              >
                <span aria-hidden className="kb-nav-icon">
                  {NAV_ICONS[s]}
                </span>
                <span className="kb-nav-label" aria-hidden>
                  {t(`nav.${s}` as MessageKey)}
                </span>
              </button>
            ))}
          </Flex>
        </nav>
      </Box>
      <Flex direction="column" className="kb-main">
        <Flex className="kb-topbar" align="center" justify="between" px="5" py="3">
          <Heading
            as="h1"
            size="6"
            data-testid="screen-title"
            ref={title}
            tabIndex={-1}
            className="kb-screen-title"
          >
            {t(`nav.${screen}` as MessageKey)}
          </Heading>
          <Flex align="center" gap="3">
            <Button
              variant="ghost"
              color="gray"
              onClick={openPalette}
              data-testid="palette-open"
              title={t('palette.title')}
            >
              <Kbd>{isMac ? '⌘' : 'Ctrl'}+K</Kbd>
            </Button>
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
      {palette && <CommandPalette onClose={() => setPalette(false)} />}
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

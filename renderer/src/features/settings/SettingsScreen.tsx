import { Card, Flex, Heading, SegmentedControl, Select, Switch, Text } from '@radix-ui/themes'
import { LANGUAGES, useT, type Language } from '../../i18n'
import { BackupSection } from './BackupSection'
import { LogsSection } from './LogsSection'
import { SecuritySection } from './SecuritySection'
import { useSettings, type ThemeChoice } from './store'

/** Appearance, desktop behaviour and vault security. */
export function SettingsScreen() {
  const t = useT()
  const s = useSettings()
  return (
    <Flex direction="column" gap="4" maxWidth="760px">
      <Card size="3">
        <Flex direction="column" gap="4">
          <Heading as="h2" size="4">
            {t('settings.appearance')}
          </Heading>
          <Flex align="center" justify="between">
            <Text id="theme-label">{t('settings.theme')}</Text>
            <SegmentedControl.Root
              value={s.theme}
              onValueChange={(v) => s.setTheme(v as ThemeChoice)}
              aria-labelledby="theme-label"
              data-testid="theme-control"
            >
              {(['light', 'dark', 'system'] as const).map((th) => (
                <SegmentedControl.Item key={th} value={th}>
                  {t(`theme.${th}`)}
                </SegmentedControl.Item>
              ))}
            </SegmentedControl.Root>
          </Flex>
          <Flex align="center" justify="between">
            <Text id="language-label">{t('settings.language')}</Text>
            <Select.Root value={s.language} onValueChange={(v) => s.setLanguage(v as Language)}>
              <Select.Trigger aria-labelledby="language-label" data-testid="language-select" />
              <Select.Content>
                {LANGUAGES.map((l) => (
                  <Select.Item key={l} value={l}>
                    {t(`language.${l}`)}
                  </Select.Item>
                ))}
              </Select.Content>
            </Select.Root>
          </Flex>
          <Flex align="center" justify="between">
            <Text as="label" htmlFor="close-to-tray">
              {t('settings.closeToTray')}
            </Text>
            <Switch
              id="close-to-tray"
              checked={s.closeToTray}
              onCheckedChange={(closeToTray) => void s.update({ closeToTray })}
            />
          </Flex>
          <Flex align="center" justify="between">
            <Text as="label" htmlFor="open-at-login">
              {t('settings.openAtLogin')}
            </Text>
            <Switch
              id="open-at-login"
              checked={s.openAtLogin}
              onCheckedChange={(openAtLogin) => void s.update({ openAtLogin })}
            />
          </Flex>
        </Flex>
      </Card>
      <SecuritySection />
      <BackupSection />
      <LogsSection />
    </Flex>
  )
}

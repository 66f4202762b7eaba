import { Flex, Select } from '@radix-ui/themes'
import { LANGUAGES, useT, type Language } from '../../i18n'
import { useSettings, type ThemeChoice } from './store'

const THEMES: ThemeChoice[] = ['light', 'dark', 'system']

/** Compact language and theme pickers for screens shown before the vault is open. */
export function LanguageThemeBar() {
  const t = useT()
  const { theme, language, setTheme, setLanguage } = useSettings()
  return (
    <Flex gap="2">
      <Select.Root size="1" value={language} onValueChange={(v) => setLanguage(v as Language)}>
        <Select.Trigger aria-label={t('settings.language')} variant="ghost" />
        <Select.Content>
          {LANGUAGES.map((l) => (
            <Select.Item key={l} value={l}>
              {t(`language.${l}`)}
            </Select.Item>
          ))}
        </Select.Content>
      </Select.Root>
      <Select.Root size="1" value={theme} onValueChange={(v) => setTheme(v as ThemeChoice)}>
        <Select.Trigger aria-label={t('settings.theme')} variant="ghost" />
        <Select.Content>
          {THEMES.map((th) => (
            <Select.Item key={th} value={th}>
              {t(`theme.${th}`)}
            </Select.Item>
          ))}
        </Select.Content>
      </Select.Root>
    </Flex>
  )
}

import { useCallback } from 'react'
import { useSettings, type DesktopSettings } from '../features/settings/store'

export * from './translate'
import { translate, type Language, type T, type Vars } from './translate'
import type { MessageKey } from './en'

/** For code outside components (toasts raised by stores). */
export function t(key: MessageKey, vars?: Vars): string {
  return translate(useSettings.getState().language, key, vars)
}

/** The translator for the current language; components re-render when it changes. */
export function useT(): T {
  const lang = useSettings((s) => s.language)
  return useCallback((key, vars) => translate(lang, key, vars), [lang])
}

export function useLanguage(): Language {
  return useSettings((s) => s.language)
}

export function currentLanguage(): Language {
  return useSettings.getState().language
}

// The settings' language type and the dictionaries' must stay the same.
const _sameLanguages: DesktopSettings['language'] extends Language ? true : never = true
void _sameLanguages

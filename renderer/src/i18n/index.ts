import { useCallback } from 'react'
import { useSettings, type DesktopSettings } from '../features/settings/store'
import { en, type MessageKey } from './en'
import { fr } from './fr'

export type { MessageKey } from './en'
export const LANGUAGES: Language[] = ['en', 'fr']
export type Language = DesktopSettings['language']
export type Vars = Record<string, string | number>
export type T = (key: MessageKey, vars?: Vars) => string

export const dictionaries: Record<Language, Record<MessageKey, string>> = { en, fr }

/** Looks a key up and fills `{name}` placeholders. Keys are typed, so a missing one fails tsc. */
export function translate(lang: Language, key: MessageKey, vars?: Vars): string {
  const template = dictionaries[lang][key]
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))
}

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

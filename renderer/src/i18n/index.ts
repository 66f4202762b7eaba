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

const pluralRules = new Map<Language, Intl.PluralRules>()
/** `{n, plural, one {# item} other {# items}}` (ICU's plural form, without nesting); `#` is the number. */
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g
const BRANCH = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g

function plural(lang: Language, n: number, branches: string): string {
  let rules = pluralRules.get(lang)
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)))
  const forms = new Map([...branches.matchAll(BRANCH)].map((m) => [m[1], m[2]]))
  const text = forms.get(`=${n}`) ?? forms.get(rules.select(n)) ?? forms.get('other') ?? ''
  return text.replace(/#/g, new Intl.NumberFormat(lang).format(n))
}

/**
 * Looks a key up, picks plural forms by Intl.PluralRules and fills `{name}` placeholders. Keys are
 * typed, so a missing one fails tsc.
 */
export function translate(lang: Language, key: MessageKey, vars?: Vars): string {
  return format(lang, dictionaries[lang][key] ?? dictionaries.en[key], vars)
}

/** Fills a template (plurals, then placeholders). */
export function format(lang: Language, template: string, vars?: Vars): string {
  if (!vars) return template
  return template
    .replace(PLURAL, (m, k: string, branches: string) =>
      typeof vars[k] === 'number' ? plural(lang, vars[k], branches) : m,
    )
    .replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))
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

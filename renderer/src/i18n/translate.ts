import { en, type MessageKey } from './en'
import { fr } from './fr'

/** Pure lookup and formatting, without the settings store (unit tests and non-React code import this). */
export type { MessageKey } from './en'
export const LANGUAGES: Language[] = ['en', 'fr']
export type Language = 'en' | 'fr'
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

/** True when the key exists (for keys built from data: audit actions, error keys, catalog fields). */
export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(dictionaries.en, key)
}

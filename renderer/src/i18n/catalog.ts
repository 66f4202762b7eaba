import type { Language } from '.'
import { catalogFr } from './catalog-fr'

const CATALOGS: Partial<Record<Language, Record<string, string>>> = { fr: catalogFr }

/** A catalog field's label, hint or placeholder in the UI language; the core's English otherwise. */
export function catalogText(
  service: string,
  field: string,
  part: 'label' | 'hint' | 'placeholder',
  english: string,
  lang: Language,
): string {
  return CATALOGS[lang]?.[`${service}.${field}.${part}`] ?? english
}

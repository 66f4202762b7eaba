import { describe, expect, it } from 'vitest'
import { en } from '../../../renderer/src/i18n/en'
import { fr } from '../../../renderer/src/i18n/fr'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('renderer dictionaries', () => {
  it('French has exactly the English keys', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort())
  })

  it('every translation is non-empty and uses the same {placeholders}', () => {
    for (const [key, text] of Object.entries(en)) {
      const french = fr[key as keyof typeof en]
      expect(french.trim(), key).not.toBe('')
      expect(placeholders(french), key).toEqual(placeholders(text))
    }
  })
})

import { describe, expect, it } from 'vitest'
import { member, parseJsonc, toValue } from '../../../electron/core/import-config/jsonc'

describe('parseJsonc', () => {
  it('reads plain JSON exactly like JSON.parse', () => {
    const text = '{"a": [1, -2.5e3, true, false, null], "b": {"c": "\\u00e9\\n\\"x\\""}, "a2": {}}'
    const p = parseJsonc(text, 'f.json')
    expect(toValue(p.root)).toEqual(JSON.parse(text))
    expect(p.comments).toBe(false)
    expect(p.trailingCommas).toBe(false)
  })

  it('accepts comments and trailing commas, and notices them', () => {
    const text = `{
      // a line comment with "quotes" and a } brace
      "url": "http://x//not-a-comment", /* block */
      "list": [1, 2,],
      "o": { "k": "v", },
    }`
    const p = parseJsonc(text, 'f.json')
    expect(toValue(p.root)).toEqual({ url: 'http://x//not-a-comment', list: [1, 2], o: { k: 'v' } })
    expect(p.comments).toBe(true)
    expect(p.trailingCommas).toBe(true)
  })

  it('records where each value is, so a part can be replaced', () => {
    const text = '{ "servers": { "a": 1 }, "x": 2 }'
    const servers = member(parseJsonc(text, 'f').root, 'servers')!
    expect(text.slice(servers.start, servers.value.end)).toBe('"servers": { "a": 1 }')
    expect(text.slice(servers.value.start, servers.value.end)).toBe('{ "a": 1 }')
  })

  it('names line and column on errors, never the text', () => {
    const cases: [string, RegExp][] = [
      [
        '{\n  "a": "ghp_secretvalue0000000000000000" \n  "b": 1\n}',
        /a comma or \} was expected at line 3, column 3/,
      ],
      ['{"a": 1', /an unexpected end of file at line 1/],
      ['{"a": tru}', /an unexpected character at line 1, column 7/],
      ["{'a': 1}", /a property name in double quotes was expected/],
      ['{"a": 1} x', /unexpected text after the end/],
      ['{"a": "line\nbreak"}', /a line break inside a string/],
      ['/* open', /an unclosed \/\* comment/],
    ]
    for (const [text, re] of cases) {
      let message = ''
      try {
        parseJsonc(text, 'cfg.json')
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toMatch(/^cfg\.json is not valid JSON: /)
      expect(message).toMatch(re)
      expect(message).not.toContain('ghp_')
    }
  })

  it('keeps the last of duplicate keys, like JSON.parse', () => {
    const p = parseJsonc('{"a": 1, "a": 2}', 'f')
    expect(toValue(p.root)).toEqual({ a: 2 })
    expect(member(p.root, 'a')!.value).toMatchObject({ value: 2 })
  })
})

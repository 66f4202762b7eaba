import { describe, expect, it } from 'vitest'
import { parseDotenv } from '../../../electron/core/import-config/dotenv'

describe('parseDotenv', () => {
  it('reads KEY=VALUE with quotes, export, comments and multi-line values', () => {
    const text = [
      '# comment',
      '',
      'PLAIN=value # trailing comment',
      'export EXPORTED=yes',
      'DOUBLE="a # not a comment\\n next"',
      "SINGLE='raw \\n kept'",
      'EMPTY=',
      'SPACED = spaced value ',
      'MULTI="line one',
      'line two"',
      'HASH=abc#def',
      'not a variable line',
      'PLAIN=again',
    ].join('\n')
    const { entries, skipped } = parseDotenv(text)
    const map = Object.fromEntries(entries.map((e) => [e.key, e.value]))
    expect(map).toEqual({
      EXPORTED: 'yes',
      DOUBLE: 'a # not a comment\n next',
      SINGLE: 'raw \\n kept',
      EMPTY: '',
      SPACED: 'spaced value',
      MULTI: 'line one\nline two',
      HASH: 'abc#def',
      PLAIN: 'again',
    })
    expect(skipped).toEqual([12])
    expect(entries.find((e) => e.key === 'MULTI')!.line).toBe(9)
  })

  it('handles CRLF files and a byte-order mark', () => {
    const { entries } = parseDotenv('\ufeffA=1\r\nB="two"\r\n')
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ['A', '1'],
      ['B', 'two'],
    ])
  })
})

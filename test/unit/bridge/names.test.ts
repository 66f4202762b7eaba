import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { builtinSchema, relaySchema } from '../../../electron/core/bridge/json-schema'
import { exposedName, isExposedName, resolveNames } from '../../../electron/core/bridge/names'
import { legacyToIdentity } from '../../../electron/core/bridge/schema'
import { scopeMatcher } from '../../../electron/core/bridge/scope'

const CLAUDE = /^[a-zA-Z0-9_-]{1,64}$/
const RULE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/

describe('exposed names', () => {
  const hostile = [
    ['ha', 'a'.repeat(64), 'call_service'],
    ['x'.repeat(40), 'y'.repeat(120)],
    ['every', 'get-tiny-image'],
    ['up', 'get.thing'],
    ['up', 'grüße-ünïcode'],
    ['up', '日本語'],
    ['up', '__double__underscore__'],
    ['9lives', 'tool'],
    ['up', ''],
  ]

  it('match the rule every client accepts, whatever goes in', () => {
    for (const parts of hostile) {
      const n = exposedName(parts, parts.join('/'))
      expect(n, parts.join('/')).toMatch(RULE)
      expect(n).toMatch(CLAUDE)
      expect(n).not.toContain('__')
      expect(isExposedName(n)).toBe(true)
    }
    expect(exposedName(['every', 'get-tiny-image'], 'every/get-tiny-image')).toBe('every_get_tiny_image')
    expect(exposedName(['ha', 'home', 'get_state'], 'homeassistant/home/get_state')).toBe('ha_home_get_state')
    expect(exposedName(['github', 'api_read'], 'github/api_read')).toBe('github_api_read')
    expect(exposedName(['up', 'grüße-ünïcode'], 'up/grüße-ünïcode')).toBe('up_grusse_unicode')
  })

  it('are shortened with a hash of the identity, so long names that share a prefix stay apart', () => {
    const a = exposedName(['x'.repeat(40), 'y'.repeat(120)], 'a')
    const b = exposedName(['x'.repeat(40), 'y'.repeat(120)], 'b')
    expect(a.length).toBeLessThanOrEqual(48)
    expect(a).toMatch(/^x+_[a-z0-9]{6}$/)
    expect(a).not.toBe(b)
    // Deterministic: the same identity gives the same name on every run.
    expect(exposedName(['x'.repeat(40), 'y'.repeat(120)], 'a')).toBe(a)
  })

  it('resolve collisions for every identity involved, report them, and never drop one', () => {
    const wanted = ['up/get.thing', 'up/get-thing', 'up/get_thing', 'up/other'].map((identity) => ({
      identity,
      name: exposedName(['up', identity.slice(3)], identity),
    }))
    const { names, collisions } = resolveNames(wanted)
    expect(names.size).toBe(4)
    expect(new Set(names.values()).size).toBe(4)
    expect(names.get('up/other')).toBe('up_other')
    expect(collisions).toHaveLength(1)
    expect(collisions[0].name).toBe('up_get_thing')
    expect(collisions[0].resolved.map((r) => r.identity).sort()).toEqual([
      'up/get-thing',
      'up/get.thing',
      'up/get_thing',
    ])
    for (const n of names.values()) expect(n).toMatch(RULE)
    // The order sources answer in does not matter.
    const again = resolveNames([...wanted].reverse())
    expect([...again.names].sort()).toEqual([...names].sort())
  })
})

describe('schemas', () => {
  it('built-in schemas come from zod and every property has a type', () => {
    const s = builtinSchema(
      z.object({
        path: z.string().describe('p'),
        query: z.record(z.string(), z.string()).optional(),
        body: z.record(z.string(), z.unknown()).optional(),
        n: z.number().int().min(1).optional(),
      }),
    )
    expect(s).not.toHaveProperty('$schema')
    expect(s.type).toBe('object')
    for (const [k, v] of Object.entries(s.properties ?? {}))
      expect((v as { type?: string }).type, k).toBeTypeOf('string')
  })

  it('upstream schemas lose $schema and get local $defs inlined, recursive ones stay as they were', () => {
    expect(
      relaySchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { p: { $ref: '#/$defs/P', description: 'kept' }, definitions: { type: 'string' } },
        $defs: { P: { type: 'object', properties: { x: { type: 'number' } } } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        p: { type: 'object', properties: { x: { type: 'number' } }, description: 'kept' },
        definitions: { type: 'string' },
      },
    })
    const recursive = {
      $schema: 'x',
      type: 'object',
      properties: { node: { $ref: '#/$defs/N' } },
      $defs: { N: { type: 'object', properties: { next: { $ref: '#/$defs/N' } } } },
    }
    const { $schema: _s, ...rest } = recursive
    void _s
    expect(relaySchema(recursive)).toEqual(rest)
    expect(
      relaySchema({ type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } }),
    ).toEqual({
      type: 'object',
      properties: { a: { $ref: 'https://example.com/s.json' } },
    })
  })
})

describe('identities and scopes', () => {
  it('old dotted permission keys map to identities', () => {
    expect(legacyToIdentity('homeassistant.home.get_state')).toBe('homeassistant/home/get_state')
    expect(legacyToIdentity('github.api_read')).toBe('github/api_read')
    expect(legacyToIdentity('every.foo.bar')).toBe('every/foo.bar')
  })

  it('scopes written for dotted names keep matching exactly what they matched', () => {
    const m = scopeMatcher(['homeassistant.*', 'github.api_read', 'every.foo.bar'])
    expect(m('homeassistant/home/call_service')).toBe(true)
    expect(m('github/api_read')).toBe(true)
    expect(m('github/api_request')).toBe(false)
    expect(m('every/foo.bar')).toBe(true)
    expect(m('xhomeassistant/a')).toBe(false)
    expect(scopeMatcher(['homeassistant/*'])('homeassistant/home/get_state')).toBe(true)
    expect(scopeMatcher(['every.*'])('every/:resources')).toBe(true)
  })
})

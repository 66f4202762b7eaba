import { describe, expect, it } from 'vitest'
import { checkHaUrl, isPrivateHost } from '../../../electron/core/homeassistant/url'

const rejects = (raw: string, text: RegExp) => {
  expect(() => checkHaUrl(raw)).toThrowError(text)
  try {
    checkHaUrl(raw)
  } catch (e) {
    expect((e as { code: string }).code).toBe('INVALID_INPUT')
  }
}

describe('Home Assistant URL validation', () => {
  it('normalises a trailing slash and a trailing /api', () => {
    expect(checkHaUrl('http://homeassistant.local:8123/').url).toBe('http://homeassistant.local:8123')
    expect(checkHaUrl('http://homeassistant.local:8123/api').url).toBe('http://homeassistant.local:8123')
    expect(checkHaUrl('https://ha.example.com/api/').url).toBe('https://ha.example.com')
    expect(checkHaUrl('  HTTPS://HA.Example.com:443//  ').url).toBe('https://ha.example.com')
    expect(checkHaUrl('https://example.com/ha/api').url).toBe('https://example.com/ha')
  })

  it('accepts http and https only, with a host and no credentials, query or fragment', () => {
    rejects('homeassistant.local:8123', /http:\/\/ or https:\/\//)
    rejects('ftp://ha.example.com', /Only http:\/\/ and https:\/\//)
    rejects('ws://ha.example.com', /Only http:\/\/ and https:\/\//)
    rejects('http://', /not a valid address|host/)
    rejects('https://user:pass@ha.example.com', /user name and password/)
    rejects('https://ha.example.com/?token=abc', /query/)
    rejects('https://ha.example.com/#x', /fragment/)
    rejects('', /address/)
  })

  it('warns about plain HTTP outside a private network, and only recommends HTTPS inside one', () => {
    const pub = checkHaUrl('http://ha.example.com:8123')
    expect(pub.warnings.map((w) => w.code)).toEqual(['plain_http_public'])
    expect(pub.warnings[0].message).toMatch(/unencrypted/)
    for (const lan of [
      'http://192.168.1.20:8123',
      'http://10.0.0.5',
      'http://127.0.0.1:8123',
      'http://homeassistant.local:8123',
      'http://homeassistant:8123',
      'http://[::1]:8123',
      'http://[fd00::12]:8123',
    ]) {
      const c = checkHaUrl(lan)
      expect(c.warnings, lan).toEqual([])
      expect(c.advice[0], lan).toMatch(/HTTPS is recommended/)
    }
    const secure = checkHaUrl('https://ha.example.com')
    expect(secure.warnings).toEqual([])
    expect(secure.advice).toEqual([])
  })

  it('knows private and public hosts', () => {
    expect(isPrivateHost('172.16.0.1')).toBe(true)
    expect(isPrivateHost('172.32.0.1')).toBe(false)
    expect(isPrivateHost('100.101.102.103')).toBe(true)
    expect(isPrivateHost('8.8.8.8')).toBe(false)
    expect(isPrivateHost('[2001:db8::1]')).toBe(false)
    expect(isPrivateHost('ha.duckdns.org')).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import {
  allowedHostNames,
  hostAllowed,
  originAllowed,
  parseHostHeader,
  peerAllowed,
} from '../../../electron/core/bridge/http-guard'
import { defaultPermission, levelAllows, requiredLevel } from '../../../electron/core/bridge/permissions'
import { RateLimiter } from '../../../electron/core/bridge/rate-limit'
import { Redactor } from '../../../electron/core/bridge/redact'
import { scopeMatcher } from '../../../electron/core/bridge/scope'
import {
  parseReference,
  resolveTemplate,
  wholeReference,
} from '../../../electron/core/bridge/upstream/env-template'
import { clientConfigSnippet } from '../../../electron/core/bridge/client-config'
import { parseExpiry } from '../../../electron/core/cli/commands/bridge'

describe('bridge policy pieces', () => {
  it('derives the required level from MCP annotations (destructiveHint defaults to true)', () => {
    expect(requiredLevel({ readOnlyHint: true })).toBe('read')
    expect(requiredLevel({ readOnlyHint: true, destructiveHint: true })).toBe('read')
    expect(requiredLevel({ destructiveHint: false })).toBe('write')
    expect(requiredLevel({ destructiveHint: true })).toBe('execute')
    expect(requiredLevel({})).toBe('execute')
    expect(defaultPermission('read')).toMatchObject({ level: 'read', ask: false })
    expect(defaultPermission('write')).toMatchObject({ level: 'write', ask: true })
    expect(levelAllows('execute', 'write')).toBe(true)
    expect(levelAllows('read', 'write')).toBe(false)
    expect(levelAllows('off', 'read')).toBe(false)
  })

  it('matches scope globs across dots and nothing else', () => {
    const m = scopeMatcher(['homeassistant.*', 'github.api_read'])
    expect(m('homeassistant.home.call_service')).toBe(true)
    expect(m('github.api_read')).toBe(true)
    expect(m('github.api_request')).toBe(false)
    expect(m('xhomeassistant.a')).toBe(false)
    expect(scopeMatcher(['a?c'])('abc')).toBe(true)
    expect(scopeMatcher(['a.c'])('abc')).toBe(false)
    expect(scopeMatcher([])('anything')).toBe(true)
  })

  it('rate-limits with a refilling bucket and a Retry-After that works', () => {
    const clock = new ManualClock()
    const rl = new RateLimiter(60, () => clock.now())
    for (let i = 0; i < 60; i++) expect(rl.take('a').ok).toBe(true)
    const no = rl.take('a')
    expect(no).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(rl.take('b').ok).toBe(true)
    clock.advance(1000)
    expect(rl.take('a').ok).toBe(true)
  })

  it('checks Host and Origin for DNS rebinding', () => {
    expect(parseHostHeader('[::1]:3003')).toEqual({ name: '[::1]', port: 3003 })
    const hosts = (bound: string) =>
      new Set(
        allowedHostNames(
          bound,
          {
            eth0: [{ address: '192.168.1.5', family: 'IPv4', internal: false }],
            eth1: [{ address: 'fe80::1%eth1', family: 'IPv6', internal: false }],
          },
          'laptop',
        ),
      )
    expect(hostAllowed('127.0.0.1:3003', 3003, hosts('127.0.0.1'))).toBe(true)
    expect(hostAllowed('localhost:3003', 3003, hosts('127.0.0.1'))).toBe(true)
    expect(hostAllowed('localhost', 3003, hosts('127.0.0.1'))).toBe(false)
    expect(hostAllowed('attacker.example:3003', 3003, hosts('127.0.0.1'))).toBe(false)
    // Loopback bind: no LAN name, not even this machine's.
    expect(hostAllowed('192.168.1.5:3003', 3003, hosts('127.0.0.1'))).toBe(false)
    expect(hostAllowed('laptop.local:3003', 3003, hosts('127.0.0.1'))).toBe(false)
    expect(hostAllowed('192.168.1.5:3003', 3003, hosts('192.168.1.5'))).toBe(true)
    // Every interface: the LAN addresses and the host name are listed explicitly, nothing else.
    expect([...hosts('0.0.0.0')].sort()).toEqual(
      ['127.0.0.1', '192.168.1.5', '[::1]', 'laptop', 'laptop.local', 'localhost'].sort(),
    )
    expect(hosts('::').has('[fe80::1]')).toBe(true)
    expect(hostAllowed('attacker.example:3003', 3003, hosts('0.0.0.0'))).toBe(false)
    expect(hostAllowed(undefined, 3003, hosts('127.0.0.1'))).toBe(false)
    // The peer check reads the socket's address, and is strict on a loopback bind only.
    for (const local of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'])
      expect(peerAllowed(local, '127.0.0.1'), local).toBe(true)
    for (const remote of ['192.168.1.20', '::ffff:10.0.0.3', 'fe80::2', undefined])
      expect(peerAllowed(remote, '127.0.0.1'), String(remote)).toBe(false)
    expect(peerAllowed('192.168.1.20', '0.0.0.0')).toBe(true)
    expect(originAllowed(undefined)).toBe(true)
    expect(originAllowed('http://localhost:6274')).toBe(true)
    expect(originAllowed('https://127.0.0.1')).toBe(true)
    expect(originAllowed('null')).toBe(false)
    expect(originAllowed('http://localhost.evil.example')).toBe(false)
  })

  it('redacts stored secret values in every encoding, and shows every other argument value whatever its key', () => {
    const r = new Redactor(() => ['s3cr3t-value', 'x'])
    r.refresh()
    expect(r.text('token s3cr3t-value here')).toBe('token [redacted] here')
    expect(r.text('upper S3CR3T-VALUE')).toBe('upper [redacted]')
    expect(r.text(`b64 ${Buffer.from('s3cr3t-value').toString('base64')}`)).toBe('b64 [redacted]')
    expect(r.text(`hex ${Buffer.from('s3cr3t-value').toString('hex')}`)).toBe('hex [redacted]')
    expect(r.text('short x stays')).toBe('short x stays')
    const count = { n: 0 }
    expect(
      r.value({ q: 'find s3cr3t-value', password: 'anything', nested: [{ apiKey: 'k', n: 1 }] }, { count }),
    ).toEqual({
      q: 'find [redacted]',
      // A key the client chose says nothing: the user approving the call sees the value.
      password: 'anything',
      nested: [{ apiKey: 'k', n: 1 }],
    })
    expect(count.n).toBe(1)
    expect(r.args({ token: 's3cr3t-value' })).toEqual({ token: '[redacted]' })
  })

  it('parses credential references in upstream env values', () => {
    expect(parseReference('github/personal.token')).toEqual({ ref: 'github/personal', field: 'token' })
    expect(parseReference('jira/my.site.apiToken')).toEqual({ ref: 'jira/my.site', field: 'apiToken' })
    expect(() => parseReference('github')).toThrow()
    expect(wholeReference('{{credential:github/personal.token}}')).not.toBeNull()
    expect(wholeReference('Bearer {{credential:github/personal.token}}')).toBeNull()
    expect(resolveTemplate('Bearer {{credential:a/b.c}}', (r) => `<${r.ref}:${r.field}>`)).toBe(
      'Bearer <a/b:c>',
    )
  })

  it('writes client snippets in each app format and parses --expires', () => {
    const lm = JSON.parse(clientConfigSnippet('lmstudio', 'http://127.0.0.1:3003/mcp', 'kb_x').snippet)
    expect(lm).toEqual({
      mcpServers: {
        keybridge: { url: 'http://127.0.0.1:3003/mcp', headers: { Authorization: 'Bearer kb_x' } },
      },
    })
    expect(parseExpiry('30d')).toBe(30)
    expect(parseExpiry('2w')).toBe(14)
    expect(parseExpiry('never')).toBeNull()
    expect(() => parseExpiry('tomorrow')).toThrow()
  })
})

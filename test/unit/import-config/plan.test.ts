import { describe, expect, it } from 'vitest'
import { readSource } from '../../../electron/core/import-config/formats'
import { buildProposal, type Existing } from '../../../electron/core/import-config/plan'
import { bridgeEntry, rewriteSplit, rewriteText } from '../../../electron/core/import-config/rewrite'
import { applyPatch } from 'diff'
import { unifiedDiff } from '../../../electron/core/import-config/diff'

const GH = 'ghp_' + 'Z9y8X7w6V5'.repeat(4)
const none: Existing = { credentialNames: () => [], upstreamNames: [] }
const json = (v: unknown) => JSON.stringify(v, null, 2)

describe('reading configs', () => {
  it('tells the apps apart by shape and place', () => {
    const mcp = json({ mcpServers: {} })
    expect(readSource('/u/Library/Application Support/Claude/claude_desktop_config.json', mcp).format).toBe(
      'claude',
    )
    expect(readSource('/u/.cursor/mcp.json', mcp).format).toBe('cursor')
    expect(readSource('/u/.lmstudio/mcp.json', mcp).format).toBe('lmstudio')
    expect(readSource('/u/other/mcp.json', mcp).format).toBe('mcp-json')
    expect(readSource('/u/claude_desktop_config.json.bak-20260101-120000', mcp).format).toBe('claude')
    expect(readSource('/p/.vscode/mcp.json', json({ servers: {} })).format).toBe('vscode')
    expect(readSource('/u/settings.json', json({ mcp: { servers: {} } })).format).toBe('vscode-settings')
    expect(readSource('/p/.env', 'A=1').format).toBe('dotenv')
  })

  it('reports unknown server shapes and warns about comments where the app refuses them', () => {
    const s = readSource(
      '/u/.cursor/mcp.json',
      '{ // c\n "mcpServers": { "a": 1, "b": { "foo": "bar" }, "c": { "command": 5 }, "d": { "command": "x", "env": { "N": 3 } } } }',
    )
    expect(s.warnings[0].message).toContain('comments, which Cursor does not accept')
    expect(s.warnings[0]).toMatchObject({ code: 'lenient_json', params: { app: 'Cursor', what: 'comments' } })
    expect(s.servers.map((x) => x.blocked?.code ?? null)).toEqual([
      'blocked_not_object',
      'blocked_unknown_shape',
      'blocked_command',
      null,
    ])
    expect(s.servers.map((x) => x.blocked?.message ?? null)).toEqual([
      'it is not an object (unknown shape, left as it is)',
      'it has neither "command" nor "url" (unknown shape, left as it is)',
      'its "command" is not a string',
      null,
    ])
    expect(s.servers[3].env).toEqual([['N', '3']])
  })

  it('VS Code: a missing type is taken as VS Code takes it; unknown types and variables are left alone', () => {
    const s = readSource(
      '/p/.vscode/mcp.json',
      json({
        servers: {
          a: { command: 'node', args: ['s.js'] },
          b: { type: 'websocket', url: 'ws://x' },
          c: { type: 'stdio', command: 'node', args: ['${workspaceFolder}/s.js'] },
          d: { type: 'sse', url: 'http://x/sse', headers: { Authorization: 'Bearer ${input:tok}' } },
        },
      }),
    )
    expect(s.servers[0]).toMatchObject({ transport: 'stdio', blocked: null })
    expect(s.servers[0].notes[0]).toMatchObject({ code: 'vscode_type_guessed', params: { type: 'stdio' } })
    expect(s.servers[0].notes[0].message).toContain('no "type"')
    expect(s.servers[1].blocked?.message).toContain('"websocket" is not stdio, http or sse')
    expect(s.servers[2].blocked).toMatchObject({
      code: 'blocked_vscode_variable',
      params: { variable: '${workspaceFolder}' },
    })
    expect(s.servers[3].blocked?.message).toContain('asks VS Code for "tok"')
  })
})

describe('the proposal', () => {
  it('one credential per secret value, references in every server that used it', () => {
    const text = json({
      mcpServers: {
        'GitHub Tools': { command: 'npx', args: ['a'], env: { GITHUB_TOKEN: GH } },
        issues: { command: 'npx', args: ['b'], env: { GH_TOKEN: GH, OTHER_TOKEN: 'opaque-value-000111' } },
      },
    })
    const p = buildProposal(readSource('/x/mcp.json', text), none)
    expect(p.credentials.map((c) => [c.service, c.name, c.sources.length])).toEqual([
      ['github', 'GitHub-Tools', 2],
      ['custom', 'issues', 1],
    ])
    expect(p.servers.map((s) => s.upstreamName)).toEqual(['github-tools', 'issues'])
    expect(p.servers[1].upstreamEnv).toEqual({
      GH_TOKEN: '{{credential:github/GitHub-Tools.token}}',
      OTHER_TOKEN: '{{credential:custom/issues.secret}}',
    })
  })

  it('names are unique per service within the plan and flagged against the vault', () => {
    const text = json({
      mcpServers: {
        a: { command: 'x', env: { ONE_KEY: 'opaque-value-000111', TWO_KEY: 'opaque-value-000222' } },
        b: { command: 'x', env: { GITHUB_TOKEN: GH } },
      },
    })
    const p = buildProposal(readSource('/x/mcp.json', text), {
      credentialNames: (s) => (s === 'github' ? ['B'] : []),
      upstreamNames: ['a'],
    })
    expect(p.credentials.map((c) => c.name)).toEqual(['a', 'a-2', 'b'])
    const gh = p.credentials.find((c) => c.service === 'github')!
    expect(gh.conflict).toContain('named "b"')
    expect(gh.suggestedName).toBe('b-2')
    expect(p.servers[0].conflict).toContain('upstream server named "a"')
  })

  it('a secret in arguments keeps its server in the app; a leftover Keybridge entry is recognised', () => {
    const text = json({
      mcpServers: {
        cli: { command: 'tool', args: ['--token', GH] },
        keybridge: {
          url: 'http://127.0.0.1:3003/mcp',
          headers: { Authorization: 'Bearer kb_' + 'a'.repeat(43) },
        },
      },
    })
    const p = buildProposal(readSource('/x/mcp.json', text), none)
    expect(p.servers[0].action).toBe('keep')
    expect(p.servers[0].args).toEqual(['--token', 'ghp_…' + GH.slice(-4)])
    expect(p.credentials).toHaveLength(1)
    expect(p.credentials[0].include).toBe(false)
    expect(p.warnings.map((w) => w.message).join(' ')).toContain('command-line arguments')
    expect(p.warnings.map((w) => w.code)).toContain('secret_in_args')
    expect(p.servers[0].noteCodes.map((n) => n.params['blocked'])).toContain('blocked_arg_secret')
    expect(p.servers[1].action).toBe('keybridge')
    expect(rewriteSplit(p)).toEqual({ removes: ['keybridge'], keeps: ['cli'] })
  })
})

describe('the rewrite', () => {
  it('replaces only the servers object, keeps the rest byte for byte (CRLF and comments included)', () => {
    const text = [
      '{',
      '    // my settings',
      '    "editor.fontSize": 14,',
      '    "mcp": {',
      '        "servers": {',
      '            "keep-me": { "type": "http", "url": "http://x/mcp" }, // stays', // plain http: not proxied
      '            "gh": { "type": "stdio", "command": "npx", "env": { "GITHUB_TOKEN": "' + GH + '" } }',
      '        }',
      '    },',
      '    "files.autoSave": "off"',
      '}',
    ].join('\r\n')
    const source = readSource('/u/settings.json', text)
    const p = buildProposal(source, none)
    const { removes } = rewriteSplit(p)
    expect(removes).toEqual(['gh'])
    const next = rewriteText(source, removes, bridgeEntry('vscode', 'http://127.0.0.1:1/mcp', 'kb_T'))
    expect(next).not.toContain(GH)
    expect(next.startsWith('{\r\n    // my settings\r\n    "editor.fontSize": 14,')).toBe(true)
    expect(next).toContain(
      '            "keep-me": { "type": "http", "url": "http://x/mcp" },\r\n            "keybridge": {\r\n',
    )
    expect(next).toContain('                    "Authorization": "Bearer kb_T"\r\n')
    expect(next.endsWith('    "files.autoSave": "off"\r\n}')).toBe(true)
    expect(next.split('\r\n').every((l) => !l.includes('\n'))).toBe(true)
  })
})

describe('unifiedDiff', () => {
  it('writes hunks with context that apply back, final newline and line endings included', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n'
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11', '12', '13'].join('\n') + '\n'
    expect(unifiedDiff(a, b, 'f')).toBe(
      [
        '--- a/f',
        '+++ b/f',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        '@@ -10,3 +10,4 @@',
        ' 10',
        ' 11',
        ' 12',
        '+13',
        '',
      ].join('\n'),
    )
    expect(unifiedDiff(a, a, 'f')).toBe('')
    // The cases the hand-made diff got wrong: an empty side, a final newline, CRLF.
    for (const [x, y] of [
      ['', '{\n  "a": 1\n}\n'],
      ['{\n  "a": 1\n}\n', ''],
      ['{"a": 1}\n', '{"a": 1}'],
      ['{\n"a": 1\n}\n', '{\r\n"a": 1\r\n}\r\n'],
    ]) {
      const patch = unifiedDiff(x, y, 'f')
      expect(patch, JSON.stringify([x, y])).not.toBe('')
      expect(applyPatch(x, patch), JSON.stringify([x, y])).toBe(y)
    }
    expect(unifiedDiff('{"a": 1}\n', '{"a": 1}', 'f')).toContain('\\ No newline at end of file')
  })
})

describe('edits', () => {
  it('a name chosen twice for one service is a conflict, not silently numbered', () => {
    const text = json({
      mcpServers: {
        a: { command: 'x', env: { ONE_KEY: 'opaque-value-000111', TWO_KEY: 'opaque-value-000222' } },
      },
    })
    const source = readSource('/x/mcp.json', text)
    const ids = buildProposal(source, none).credentials.map((c) => c.id)
    const p = buildProposal(source, none, {
      credentials: [
        { id: ids[0], name: 'same' },
        { id: ids[1], name: 'same' },
      ],
      servers: [{ id: 'a', name: 'renamed' }],
    })
    expect(p.credentials[1].conflict).toContain('would both be named "same"')
    expect(p.servers[0].upstreamEnv['ONE_KEY']).toBe('{{credential:custom/same.secret}}')
    expect(p.servers[0].upstreamName).toBe('renamed')
  })
})

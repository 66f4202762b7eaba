import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../electron/core/cli/main'
import type { CliIO } from '../../../electron/core/cli/spec'
import { TEST_KDF, tempDir } from '../../helpers/core'
import { connectClient, reporterCommand, textOf, waitFor } from './support'

const bin = join(__dirname, '../../../electron/core/bin/keybridge.cjs')
const PASSWORD = 'cli bridge test password'

describe('keybridge token / tool / upstream / client-config / serve', () => {
  const t = tempDir('kb-bridge-cli-')
  const env = { KEYBRIDGE_PASSWORD: PASSWORD }
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const io: CliIO = {
      out: (s) => (out += s + '\n'),
      err: (s) => (err += s + '\n'),
      promptSecret: async () => undefined,
      isTTY: false,
    }
    const code = await runCli([...argv, '--data-dir', t.dir], { io, env, kdf: TEST_KDF })
    return { code, out, err }
  }

  beforeAll(async () => {
    expect((await cli('init')).code).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('creates, lists and revokes tokens; the value is printed once and never listed', async () => {
    const created = await cli(
      'token',
      'create',
      '--name',
      'LM Studio',
      '--scope',
      'test.*',
      '--scope',
      'reporter.*',
      '--expires',
      '30d',
      '--json',
    )
    expect(created.code).toBe(0)
    const { token, summary } = JSON.parse(created.out) as {
      token: string
      summary: { display: string; scopes: string[]; expiresAt: number }
    }
    expect(token).toMatch(/^kb_[A-Za-z0-9_-]{43}$/)
    expect(summary.display).toBe(`${token.slice(0, 7)}…${token.slice(-4)}`)
    expect(summary.scopes).toEqual(['test.*', 'reporter.*'])
    const human = await cli('token', 'list')
    expect(human.out).toContain('LM Studio')
    expect(human.out).not.toContain(token)
    expect((await cli('token', 'create', '--name', 'lm studio')).code).toBe(1)
    expect((await cli('token', 'create', '--name', 'x', '--expires', 'soon')).code).toBe(2)
    expect((await cli('token', 'create', '--name', 'Throwaway')).code).toBe(0)
    expect((await cli('token', 'revoke', 'Throwaway')).code).toBe(0)
    const list = JSON.parse((await cli('token', 'list', '--json')).out) as { name: string; status: string }[]
    expect(list.find((x) => x.name === 'Throwaway')?.status).toBe('revoked')
    expect((await cli('token', 'revoke', 'Nobody')).code).toBe(1)
  })

  it('adds, lists and removes upstream servers without showing literal env values', async () => {
    const { command, args } = reporterCommand()
    const add = await cli(
      'upstream',
      'add',
      '--name',
      'reporter',
      '--command',
      command,
      ...args.map((a) => `--arg=${a}`),
      '--env',
      'SECRET_ONE=very-secret-literal-value',
    )
    expect(add.code).toBe(0)
    const list = await cli('upstream', 'list')
    expect(list.out).toContain('SECRET_ONE=•••')
    expect(list.out).not.toContain('very-secret-literal-value')
    expect((await cli('upstream', 'add', '--name', 'bad', '--command', 'x', '--env', 'NOEQUALS')).code).toBe(
      2,
    )
    expect((await cli('upstream', 'add', '--name', 'tmp', '--command', 'true')).code).toBe(0)
    expect((await cli('upstream', 'rm', 'tmp')).code).toBe(0)
    expect(
      JSON.parse((await cli('upstream', 'list', '--json')).out).map((u: { name: string }) => u.name),
    ).toEqual(['reporter'])
  })

  it("prints client config snippets in each app's format; a new token per snippet, none revoked", async () => {
    const lm = await cli('client-config', 'lmstudio', '--token-name', 'Cursor')
    expect(lm.code).toBe(0)
    const lmConfig = JSON.parse(lm.out)
    expect(lmConfig.mcpServers.keybridge.url).toBe('http://127.0.0.1:3003/mcp')
    expect(lmConfig.mcpServers.keybridge.headers.Authorization).toMatch(/^Bearer kb_/)
    const claude = JSON.parse((await cli('client-config', 'claude', '--token-name', 'Cursor')).out)
    expect(claude.mcpServers.keybridge.command).toBe('npx')
    expect(claude.mcpServers.keybridge.args).toEqual([
      'mcp-remote',
      'http://127.0.0.1:3003/mcp',
      '--header',
      'Authorization:${AUTH}',
    ])
    expect(claude.mcpServers.keybridge.env.AUTH).toMatch(/^Bearer kb_/)
    const vscodeRun = await cli('client-config', 'vscode', '--token-name', 'Cursor')
    const vscode = JSON.parse(vscodeRun.out)
    expect(vscode.servers.keybridge).toMatchObject({ type: 'http', url: 'http://127.0.0.1:3003/mcp' })
    // "Cursor" exists: a distinct name is created and said, and the older tokens keep working.
    expect(vscodeRun.err).toContain('Created the client token "Cursor 3"')
    expect(vscodeRun.err).toContain('"Cursor" exists and keeps working')
    const tokens = JSON.parse((await cli('token', 'list', '--json')).out) as {
      name: string
      status: string
    }[]
    expect(tokens.filter((t) => t.name.startsWith('Cursor')).map((t) => [t.name, t.status])).toEqual([
      ['Cursor', 'active'],
      ['Cursor 2', 'active'],
      ['Cursor 3', 'active'],
    ])
    // With --token (the value shown at creation) nothing is minted.
    const value = vscode.servers.keybridge.headers.Authorization.slice(7)
    const again = JSON.parse(
      (await cli('client-config', 'cursor', '--token-name', 'Cursor 3', '--token', value, '--json')).out,
    )
    expect(again.minted).toBe(false)
    expect(JSON.parse(again.snippet).mcpServers.keybridge.headers.Authorization).toBe(`Bearer ${value}`)
    expect((await cli('client-config', 'emacs', '--token-name', 'x')).code).toBe(2)
  })

  it('serve: prints the URL, serves tools with injected env, lists tools, stops cleanly on SIGTERM', async () => {
    const token = (
      JSON.parse((await cli('token', 'create', '--name', 'Serve Test', '--json')).out) as { token: string }
    ).token
    // Headless, an untrusted upstream's tools are denied whatever their annotations: trust its hints.
    const trusted = await cli('upstream', 'trust', 'reporter', '--json')
    expect(trusted.code).toBe(0)
    expect(JSON.parse(trusted.out)).toMatchObject({ name: 'reporter', trustHints: true })
    expect((await cli('upstream', 'trust', 'nobody')).code).toBe(1)
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', t.dir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const url = await waitFor(() => /listening on (\S+)/.exec(out)?.[1], 30_000, 'serve URL')
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
      const client = await connectClient(url, token)
      const tools = await waitFor(
        async () => {
          const names = (await client.listTools()).tools.map((x) => x.name)
          return names.includes('reporter_report_env') ? names : undefined
        },
        20_000,
        'upstream tools',
        250,
      )
      expect(tools).toContain('reporter_report_env')
      const r = JSON.parse(
        textOf(await client.callTool({ name: 'reporter_report_env', arguments: { name: 'SECRET_ONE' } })),
      )
      expect(r).toMatchObject({ present: true, length: 'very-secret-literal-value'.length })
      // Headless: "ask" tools are denied without --approve-all.
      const crash = await client.callTool({ name: 'reporter_crash', arguments: {} })
      expect(textOf(crash)).toContain('--approve-all')
      await client.close()

      // tool list / tool set from another process while serve runs.
      const listed = JSON.parse((await cli('tool', 'list', '--json')).out) as {
        name: string
        level: string
        ask: boolean
      }[]
      expect(listed.find((x) => x.name === 'reporter_crash')).toMatchObject({ level: 'execute', ask: true })
      expect((await cli('tool', 'set', 'reporter_crash', 'off')).code).toBe(0)
      expect((await cli('tool', 'set', 'reporter_echo', 'read', '--no-ask', '--json')).code).toBe(0)
      expect((await cli('tool', 'set', 'reporter_echo', 'loud')).code).toBe(2)
      expect((await cli('tool', 'set', 'no.such', 'read')).code).toBe(1)

      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      // The upstream child went with it.
      expect(() => process.kill(r.pid, 0)).toThrow()
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 60_000)
})

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FULL_FIXTURE, startBridge, textOf, waitFor } from './support'

const run = promisify(execFile)
const root = join(__dirname, '../../..')
const INSPECTOR = join(root, 'node_modules/.bin/mcp-inspector-cli')
const MCP_REMOTE = join(root, 'node_modules/mcp-remote/dist/proxy.js')
// inspector-cli 1.0.3 checks for "../package.json" against the working directory but imports it relative
// to its own file, so it only starts from a directory where both agree: its build folder.
const INSPECTOR_CWD = join(root, 'node_modules/@modelcontextprotocol/inspector-cli/build')

describe('real MCP clients against the bridge', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  beforeAll(async () => {
    env = await startBridge()
  })
  afterAll(async () => {
    await env.dispose()
  })

  it('MCP Inspector CLI lists and calls tools over Streamable HTTP', async () => {
    const common = ['--cli', env.url, '--transport', 'http', '--header', `Authorization: Bearer ${env.token}`]
    const list = await run(INSPECTOR, [...common, '--method', 'tools/list'], {
      timeout: 30_000,
      cwd: INSPECTOR_CWD,
    })
    const tools = (JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name)
    expect(tools).toContain('test_read_thing')
    const call = await run(
      INSPECTOR,
      [...common, '--method', 'tools/call', '--tool-name', 'test_read_thing', '--tool-arg', 'text=inspector'],
      { timeout: 30_000, cwd: INSPECTOR_CWD },
    )
    expect(textOf(JSON.parse(call.stdout))).toBe('read_thing:inspector')
    // And without the header it is refused.
    await expect(
      run(INSPECTOR, ['--cli', env.url, '--transport', 'http', '--method', 'tools/list'], {
        timeout: 30_000,
        cwd: INSPECTOR_CWD,
      }),
    ).rejects.toThrow()
  }, 60_000)

  it('mcp-remote (stdio ↔ HTTP, as Claude Desktop uses it) lists and calls tools', async () => {
    // mcp-remote keeps OAuth state under MCP_REMOTE_CONFIG_DIR: isolate it.
    const configDir = mkdtempSync(join(tmpdir(), 'kb-mcp-remote-'))
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        MCP_REMOTE,
        env.url,
        '--header',
        `Authorization:Bearer ${env.token}`,
        '--transport',
        'http-only',
      ],
      env: { ...getDefaultEnvironment(), MCP_REMOTE_CONFIG_DIR: configDir },
      stderr: 'ignore',
    })
    // An upstream whose tool names Claude Desktop would refuse (dots, dashes, Unicode, 120 characters).
    await env.core.invoke('bridge.upstream.add', {
      name: 'hostile-names',
      command: process.execPath,
      args: ['--import', 'tsx', FULL_FIXTURE, '--names=hostile'],
    })
    await waitFor(
      async () =>
        (
          (await env.core.invoke('bridge.upstream.status', { name: 'hostile-names' })) as {
            data: { state: string }
          }
        ).data.state === 'running' || undefined,
    )
    const client = new Client({ name: 'claude-desktop-standin', version: '1.0.0' })
    try {
      await client.connect(transport, { timeout: 30_000 })
      const tools = (await client.listTools()).tools.map((t) => t.name)
      // Claude Desktop withholds the whole list when one name fails this pattern.
      for (const n of tools) expect(n).toMatch(/^[a-zA-Z0-9_-]{1,64}$/)
      expect(tools.filter((n) => n.startsWith('hostile_names_'))).toHaveLength(21)
      expect(tools).toContain('test_read_thing')
      const r = await client.callTool({ name: 'test_read_thing', arguments: { text: 'remote' } })
      expect(textOf(r)).toBe('read_thing:remote')
    } finally {
      await client.close().catch(() => {})
      rmSync(configDir, { recursive: true, force: true })
      await env.core.invoke('bridge.upstream.remove', { name: 'hostile-names' })
    }
  }, 60_000)
})

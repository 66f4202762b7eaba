import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type ClientCapabilities,
} from '@modelcontextprotocol/sdk/types.js'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import { EVERYTHING, startBridge, waitFor } from './support'

const CAPS: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } }
/** Arguments for the tools that need some (the rest take none). */
const ARGS: Record<string, Record<string, unknown>> = {
  echo: { message: 'hi' },
  'get-annotated-message': { messageType: 'success', includeImage: true },
  'get-structured-content': { location: 'Chicago' },
  'get-sum': { a: 2, b: 40 },
  'gzip-file-as-resource': { name: 'a.gz', data: 'data:text/plain;base64,SGVsbG8=' },
  'trigger-long-running-operation': { duration: 0.2, steps: 2 },
  'trigger-sampling-request': { prompt: 'hello', maxTokens: 10 },
}

function withAnswers(client: Client): Client {
  client.setRequestHandler(CreateMessageRequestSchema, async () => ({
    role: 'assistant',
    model: 'test',
    content: { type: 'text', text: 'sampled' },
  }))
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }))
  client.setRequestHandler(ListRootsRequestSchema, async () => ({
    roots: [{ uri: 'file:///tmp', name: 'tmp' }],
  }))
  return client
}

describe('server-everything as an upstream', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let direct: Client
  let bridged: Client

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
    await env.core.invoke('bridge.upstream.add', {
      name: 'every',
      command: process.execPath,
      args: [EVERYTHING],
    })
    await waitFor(
      async () =>
        ((await env.core.invoke('bridge.upstream.status', { name: 'every' })) as { data: UpstreamSummary })
          .data.state === 'running' || undefined,
    )
    direct = withAnswers(new Client({ name: 'direct', version: '1' }, { capabilities: CAPS }))
    await direct.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [EVERYTHING],
        env: getDefaultEnvironment(),
        stderr: 'ignore',
      }),
    )
    bridged = withAnswers(new Client({ name: 'bridged', version: '1' }, { capabilities: CAPS }))
    await bridged.connect(
      new StreamableHTTPClientTransport(new URL(env.url), {
        requestInit: { headers: { Authorization: `Bearer ${env.token}` } },
      }),
    )
  }, 60_000)
  afterAll(async () => {
    await Promise.all([direct?.close(), bridged?.close()])
    await env.dispose()
  })

  it('lists all its tools (those needing sampling, elicitation and roots too) and every one is callable', async () => {
    const mine = (await direct.listTools()).tools
    const theirs = (await bridged.listTools()).tools
    const relayable = mine.filter((t) => t.execution?.taskSupport !== 'required')
    expect(relayable.map((t) => t.name)).toEqual(
      expect.arrayContaining(['trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list']),
    )
    const names = theirs.filter((t) => t.name.startsWith('every_')).map((t) => t.name)
    expect(names.sort()).toEqual(relayable.map((t) => `every_${t.name.replace(/-/g, '_')}`).sort())
    for (const t of relayable) {
      const r = await bridged.callTool(
        { name: `every_${t.name.replace(/-/g, '_')}`, arguments: ARGS[t.name] ?? {} },
        undefined,
        { timeout: 20_000 },
      )
      expect(r.isError, `${t.name}: ${JSON.stringify(r.content).slice(0, 300)}`).toBeFalsy()
    }
    const s = await bridged.callTool({
      name: 'every_trigger_sampling_request',
      arguments: ARGS['trigger-sampling-request'],
    })
    expect(JSON.stringify(s.content)).toContain('sampled')
    const roots = await bridged.callTool({ name: 'every_get_roots_list', arguments: {} })
    expect(JSON.stringify(roots.content)).toContain('file:///tmp')
    const structured = await bridged.callTool({
      name: 'every_get_structured_content',
      arguments: { location: 'Chicago' },
    })
    expect(structured.structuredContent).toEqual(
      (await direct.callTool({ name: 'get-structured-content', arguments: { location: 'Chicago' } }))
        .structuredContent,
    )
  }, 90_000)

  it('its resources and prompts are reachable through Keybridge', async () => {
    const [r1, r2] = await Promise.all([direct.listResources(), bridged.listResources()])
    // The bridged side also has the resource its gzip-file-as-resource call created.
    expect(r2.resources).toEqual(expect.arrayContaining(r1.resources))
    const uri = r1.resources[0].uri
    expect(await bridged.readResource({ uri })).toEqual(await direct.readResource({ uri }))
    const dyn = 'demo://resource/dynamic/text/3'
    expect(await bridged.readResource({ uri: dyn })).toEqual(await direct.readResource({ uri: dyn }))
    const prompts = (await bridged.listPrompts()).prompts.map((p) => p.name)
    expect(prompts).toEqual(
      expect.arrayContaining([
        'every_simple_prompt',
        'every_args_prompt',
        'every_completable_prompt',
        'every_resource_prompt',
      ]),
    )
    const [g1, g2] = await Promise.all([
      direct.getPrompt({ name: 'args-prompt', arguments: { city: 'Oslo' } }),
      bridged.getPrompt({ name: 'every_args_prompt', arguments: { city: 'Oslo' } }),
    ])
    expect(g2).toEqual(g1)
    const c = await bridged.complete({
      ref: { type: 'ref/prompt', name: 'every_completable_prompt' },
      argument: { name: 'department', value: 'E' },
    })
    expect(c).toEqual(
      await direct.complete({
        ref: { type: 'ref/prompt', name: 'completable-prompt' },
        argument: { name: 'department', value: 'E' },
      }),
    )
  }, 60_000)
})

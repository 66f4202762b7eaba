import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type ClientCapabilities,
  type LoggingMessageNotification,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import { startBridge, waitFor } from './support'

const FIXTURE = join(__dirname, '../../fakes/mcp/full-server.ts')
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/
const ALL_CAPS: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } }

/** The same answers from both clients, so what differs can only be the bridge. */
function answering(
  client: Client,
  caps: ClientCapabilities,
  logs: LoggingMessageNotification['params'][],
  updated: string[],
): Client {
  if (caps.sampling)
    client.setRequestHandler(CreateMessageRequestSchema, async (r, extra) => {
      const text = (r.params.messages[0].content as { text: string }).text
      if (text === 'hang') {
        // Never answers (until the session ends): the server has to give up on it.
        await new Promise<void>((resolve) => extra.signal.addEventListener('abort', () => resolve()))
        throw new Error('cancelled')
      }
      return { role: 'assistant', model: 'test-model', content: { type: 'text', text: `42 (${text})` } }
    })
  if (caps.elicitation)
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: 'accept',
      content: { colour: 'blue' },
    }))
  if (caps.roots)
    client.setRequestHandler(ListRootsRequestSchema, async () => ({
      roots: [{ uri: 'file:///work', name: 'work' }],
    }))
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(n.params)
  })
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updated.push(n.params.uri)
  })
  return client
}

interface Side {
  client: Client
  logs: LoggingMessageNotification['params'][]
  updated: string[]
}

async function direct(caps: ClientCapabilities = ALL_CAPS): Promise<Side> {
  const logs: Side['logs'] = []
  const updated: string[] = []
  const client = answering(
    new Client({ name: 'direct', version: '1' }, { capabilities: caps }),
    caps,
    logs,
    updated,
  )
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', FIXTURE],
      env: getDefaultEnvironment(),
      stderr: 'ignore',
    }),
  )
  return { client, logs, updated }
}

async function bridged(url: string, token: string, caps: ClientCapabilities = ALL_CAPS): Promise<Side> {
  const logs: Side['logs'] = []
  const updated: string[] = []
  const client = answering(
    new Client({ name: 'bridged', version: '1' }, { capabilities: caps }),
    caps,
    logs,
    updated,
  )
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  )
  return { client, logs, updated }
}

describe('full relay: a client through Keybridge sees what a direct client sees', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let d: Side
  let b: Side

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'approve_all' })
    const added = await env.core.invoke('bridge.upstream.add', {
      name: 'fixture',
      command: process.execPath,
      args: ['--import', 'tsx', FIXTURE],
    })
    expect(added.ok).toBe(true)
    await waitFor(
      async () =>
        ((await env.core.invoke('bridge.upstream.status', { name: 'fixture' })) as { data: UpstreamSummary })
          .data.state === 'running' || undefined,
    )
    ;[d, b] = await Promise.all([direct(), bridged(env.url, env.token)])
  })
  afterAll(async () => {
    await Promise.all([d?.client.close(), b?.client.close()])
    await env.dispose()
  })

  it('declares what the upstream offers, and nothing it does not', () => {
    const caps = b.client.getServerCapabilities()!
    expect(caps.tools).toBeDefined()
    expect(caps.resources).toMatchObject({ subscribe: true, listChanged: true })
    expect(caps.prompts).toBeDefined()
    expect(caps.completions).toBeDefined()
    expect(caps.logging).toBeDefined()
    expect(caps.tasks).toBeUndefined()
  })

  it('tools: every definition relayed under a name clients accept, task-only tools hidden', async () => {
    const mine = (await d.client.listTools()).tools
    const theirs = (await b.client.listTools()).tools.filter((t) => t.name.startsWith('fixture_'))
    for (const t of theirs) expect(t.name).toMatch(NAME)
    expect(theirs.map((t) => t.name)).not.toContain('fixture_task_only')
    for (const t of mine.filter((x) => x.name !== 'task_only')) {
      const o = theirs.find((x) => x.name === `fixture_${t.name}`)
      expect(o, t.name).toBeDefined()
      expect(o!.description).toBe(t.description)
      expect(o!.outputSchema).toEqual(t.outputSchema)
      expect(o!.icons).toEqual(t.icons)
      expect(o!.annotations).toEqual(t.annotations)
      expect(o!.title).toBe(t.title ?? t.name)
      expect(o!._meta).toMatchObject({ ...(t._meta ?? {}), 'keybridge/originalName': t.name })
      if (t.name !== 'with_defs') expect(o!.inputSchema).toEqual(t.inputSchema)
    }
    // $schema removed, local $defs inlined.
    const defs = theirs.find((t) => t.name === 'fixture_with_defs')!.inputSchema
    expect(defs).toEqual({
      type: 'object',
      properties: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } } },
    })
  })

  it('tools: structured content and every content type come back unchanged', async () => {
    const [x, y] = await Promise.all([
      d.client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }),
      b.client.callTool({ name: 'fixture_add', arguments: { a: 2, b: 3 } }),
    ])
    expect(y).toEqual(x)
    expect(y.structuredContent).toEqual({ sum: 5 })
    const [m1, m2] = await Promise.all([
      d.client.callTool({ name: 'media', arguments: {} }),
      b.client.callTool({ name: 'fixture_media', arguments: {} }),
    ])
    expect(m2).toEqual(m1)
    expect((m2.content as { type: string }[]).map((c) => c.type)).toEqual([
      'image',
      'audio',
      'resource',
      'resource_link',
    ])
  })

  it('progress: the upstream reports reach the client that asked, under its own token', async () => {
    const seen = { d: [] as Progress[], b: [] as Progress[] }
    const args = { steps: 3, delayMs: 30 }
    const x = await d.client.callTool({ name: 'long', arguments: args }, undefined, {
      onprogress: (p) => seen.d.push(p),
    })
    const y = await b.client.callTool({ name: 'fixture_long', arguments: args }, undefined, {
      onprogress: (p) => seen.b.push(p),
    })
    expect(y).toEqual(x)
    // What the fixture sends, as the direct client receives it.
    const sent = [1, 2, 3].map((i) => ({ progress: i, total: 3, message: `step ${i}` }))
    expect(seen.d).toEqual(sent)
    expect(seen.b).toEqual(sent)
  })

  it('cancellation: a client that gives up cancels the upstream call', async () => {
    const stats = async () =>
      JSON.parse(
        ((await b.client.callTool({ name: 'fixture_stats', arguments: {} })).content as { text: string }[])[0]
          .text,
      ) as { cancelled: number }
    const before = (await stats()).cancelled
    const ac = new AbortController()
    const call = b.client.callTool({ name: 'fixture_wait', arguments: {} }, undefined, { signal: ac.signal })
    setTimeout(() => ac.abort(), 150)
    await expect(call).rejects.toThrow()
    await waitFor(async () => (await stats()).cancelled > before || undefined, 5000, 'upstream cancelled')
  })

  it('an upstream that gives up on its own request to the client is not left hanging', async () => {
    const [x, y] = await Promise.all([
      d.client.callTool({ name: 'ask_and_give_up', arguments: {} }),
      b.client.callTool({ name: 'fixture_ask_and_give_up', arguments: {} }),
    ])
    expect(y).toEqual(x)
    expect((y.content as { text: string }[])[0].text).toBe('gave up')
  })

  it('sampling, elicitation and roots are answered by the client behind the call', async () => {
    for (const [tool, args] of [
      ['ask_model', { question: 'meaning?' }],
      ['ask_user', {}],
      ['roots', {}],
    ] as const) {
      const [x, y] = await Promise.all([
        d.client.callTool({ name: tool, arguments: args }),
        b.client.callTool({ name: `fixture_${tool}`, arguments: args }),
      ])
      expect(y, tool).toEqual(x)
      expect(y.isError, tool).toBeFalsy()
    }
    await waitFor(
      () =>
        (
          env.core.ctx.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'sampling'").get() as {
            n: number
          }
        ).n > 0 || undefined,
      3000,
      'sampling audited',
    )
  })

  it("the client's roots/list_changed reaches the upstream", async () => {
    const stats = async () =>
      JSON.parse(
        ((await b.client.callTool({ name: 'fixture_stats', arguments: {} })).content as { text: string }[])[0]
          .text,
      ) as { rootsChanged: number }
    const before = (await stats()).rootsChanged
    await b.client.sendRootsListChanged()
    await waitFor(
      async () => (await stats()).rootsChanged > before || undefined,
      5000,
      'roots changed upstream',
    )
  })

  it('a client that did not declare sampling gets the standard error, not a guess', async () => {
    const plain = await bridged(env.url, env.token, {})
    try {
      const r = await plain.client.callTool({ name: 'fixture_ask_model', arguments: {} })
      expect(r.isError).toBe(true)
      expect(JSON.stringify(r.content)).toMatch(/does not support sampling|Method not found/)
    } finally {
      await plain.client.close()
    }
  })

  it('resources: list, templates, read (text and blob) as the upstream has them', async () => {
    const [l1, l2] = await Promise.all([d.client.listResources(), b.client.listResources()])
    expect(l2.resources).toEqual(l1.resources)
    const [t1, t2] = await Promise.all([d.client.listResourceTemplates(), b.client.listResourceTemplates()])
    expect(t2.resourceTemplates).toEqual(t1.resourceTemplates)
    for (const uri of ['fixture://static/hello', 'fixture://static/blob', 'fixture://items/banana']) {
      const [r1, r2] = await Promise.all([d.client.readResource({ uri }), b.client.readResource({ uri })])
      expect(r2, uri).toEqual(r1)
    }
  })

  it('resources: subscriptions deliver updates to the subscribed session', async () => {
    const uri = 'fixture://static/hello'
    await Promise.all([d.client.subscribeResource({ uri }), b.client.subscribeResource({ uri })])
    await d.client.callTool({ name: 'touch', arguments: { uri } })
    const touched = await b.client.callTool({ name: 'fixture_touch', arguments: { uri } })
    expect((touched.content as { text: string }[])[0].text).toBe('notified')
    await waitFor(() => (b.updated.length > 0 && d.updated.length > 0) || undefined, 5000, 'updates')
    expect(b.updated[0]).toBe(d.updated[0])
    await b.client.unsubscribeResource({ uri })
  })

  it('prompts: names follow the tool-name rule, get returns the same messages', async () => {
    const [p1, p2] = await Promise.all([d.client.listPrompts(), b.client.listPrompts()])
    expect(p2.prompts.map((p) => p.name).sort()).toEqual(['fixture_greet', 'fixture_plain_prompt_x'])
    for (const p of p2.prompts) expect(p.name).toMatch(NAME)
    const greet = p2.prompts.find((p) => p.name === 'fixture_greet')!
    expect(greet.arguments).toEqual(p1.prompts.find((p) => p.name === 'greet')!.arguments)
    const [g1, g2] = await Promise.all([
      d.client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } }),
      b.client.getPrompt({ name: 'fixture_greet', arguments: { name: 'Ada' } }),
    ])
    expect(g2).toEqual(g1)
  })

  it('completions for prompt arguments and resource templates', async () => {
    const [c1, c2] = await Promise.all([
      d.client.complete({
        ref: { type: 'ref/prompt', name: 'greet' },
        argument: { name: 'name', value: 'A' },
      }),
      b.client.complete({
        ref: { type: 'ref/prompt', name: 'fixture_greet' },
        argument: { name: 'name', value: 'A' },
      }),
    ])
    expect(c2).toEqual(c1)
    const ref = { type: 'ref/resource' as const, uri: 'fixture://items/{id}' }
    const [r1, r2] = await Promise.all([
      d.client.complete({ ref, argument: { name: 'id', value: 'ap' } }),
      b.client.complete({ ref, argument: { name: 'id', value: 'ap' } }),
    ])
    expect(r2).toEqual(r1)
    expect(r2.completion.values).toEqual(['apple', 'apricot'])
  })

  it('logging: setLevel applies, and the messages arrive as the upstream sent them', async () => {
    await Promise.all([d.client.setLoggingLevel('warning'), b.client.setLoggingLevel('warning')])
    d.logs.length = 0
    b.logs.length = 0
    await Promise.all([
      d.client.callTool({ name: 'log', arguments: {} }),
      b.client.callTool({ name: 'fixture_log', arguments: {} }),
    ])
    await waitFor(() => (b.logs.length >= 2 && d.logs.length >= 2) || undefined, 5000, 'log messages')
    expect(b.logs).toEqual(d.logs)
    expect(b.logs.map((l) => l.level)).toEqual(['warning', 'error'])
  })

  it('reading resources and getting prompts are permissioned per upstream and audited', async () => {
    await env.core.invoke('bridge.tools.set', { tool: 'fixture/:resources', level: 'off' })
    try {
      expect((await b.client.listResources()).resources).toEqual([])
      await expect(b.client.readResource({ uri: 'fixture://static/hello' })).rejects.toThrow(/turned off/)
    } finally {
      await env.core.invoke('bridge.tools.set', { tool: 'fixture/:resources', level: 'read' })
    }
    await b.client.readResource({ uri: 'fixture://static/hello' })
    await waitFor(
      () =>
        (
          env.core.ctx.db
            .prepare(
              "SELECT count(*) AS n FROM audit_log WHERE action = 'resource_read' AND target = 'fixture/:resources'",
            )
            .get() as { n: number }
        ).n >= 2 || undefined,
      3000,
      'resource reads audited',
    )
    // A token narrowed to other tools does not see this upstream's prompts.
    const narrow = await env.core.invoke('bridge.tokens.create', { name: 'Narrow', scopes: ['test.*'] })
    const n = await bridged(env.url, (narrow as { data: { token: string } }).data.token)
    try {
      expect((await n.client.listPrompts()).prompts).toEqual([])
      expect((await n.client.listResources()).resources).toEqual([])
    } finally {
      await n.client.close()
    }
  })

  it('resource URIs that clash across upstreams are namespaced for the later one and rewritten back', async () => {
    await env.core.invoke('bridge.upstream.add', {
      name: 'fixture2',
      command: process.execPath,
      args: ['--import', 'tsx', FIXTURE, '--id=two'],
    })
    await waitFor(
      async () =>
        ((await env.core.invoke('bridge.upstream.status', { name: 'fixture2' })) as { data: UpstreamSummary })
          .data.state === 'running' || undefined,
    )
    const c = await bridged(env.url, env.token)
    try {
      const uris = (await c.client.listResources()).resources.map((r) => r.uri)
      expect(uris.filter((u) => u === 'shared://clash')).toHaveLength(1)
      const moved = uris.find((u) => u.startsWith('keybridge://upstream/fixture2/') && u.includes('clash'))!
      expect(moved).toBeDefined()
      const a = await c.client.readResource({ uri: 'shared://clash' })
      const z = await c.client.readResource({ uri: moved })
      expect((z.contents[0] as { text: string }).text).toBe('clash from --id=two')
      expect((a.contents[0] as { text: string }).text).not.toBe('clash from --id=two')
      expect(z.contents[0].uri).toBe(moved)
      const s = (await env.core.invoke('bridge.upstream.status', { name: 'fixture2' })) as {
        data: UpstreamSummary
      }
      expect(s.data.notes.join(' ')).toMatch(/clash/)
      // Its prompts collide with the first upstream's only if their names did: here they do not.
      expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toContain('fixture2_greet')
    } finally {
      await c.client.close()
      await env.core.invoke('bridge.upstream.remove', { name: 'fixture2' })
    }
  })
})

describe('sampling asks the user first (the default for an upstream)', () => {
  let env: Awaited<ReturnType<typeof startBridge>>
  let b: Side
  const approvals: { id: string; tool: string }[] = []

  beforeAll(async () => {
    env = await startBridge({ approvalMode: 'ask' })
    env.core.ctx.events.subscribe((name, payload) => {
      if (name === 'bridge.approvalRequested') approvals.push(payload as { id: string; tool: string })
    })
    await env.core.invoke('bridge.upstream.add', {
      name: 'fixture',
      command: process.execPath,
      args: ['--import', 'tsx', FIXTURE],
    })
    await waitFor(
      async () =>
        ((await env.core.invoke('bridge.upstream.status', { name: 'fixture' })) as { data: UpstreamSummary })
          .data.state === 'running' || undefined,
    )
    // The tool itself runs without asking: only the sampling it triggers asks.
    const set = await env.core.invoke('bridge.tools.set', {
      tool: 'fixture/ask_model',
      level: 'read',
      ask: false,
    })
    expect(set.ok).toBe(true)
    b = await bridged(env.url, env.token)
  })
  afterAll(async () => {
    await b?.client.close()
    await env.dispose()
  })

  it('waits for the approval of <server>/:sampling; allowed it runs, denied the upstream is told', async () => {
    const allowed = b.client.callTool({ name: 'fixture_ask_model', arguments: { question: 'ok?' } })
    await waitFor(() => approvals.length === 1 || undefined, 5000, 'approval requested')
    expect(approvals[0].tool).toBe('fixture/:sampling')
    env.bridge.decide(approvals[0].id, 'allow_once')
    expect(((await allowed).content as { text: string }[])[0].text).toBe('model said: 42 (ok?)')

    const denied = b.client.callTool({ name: 'fixture_ask_model', arguments: { question: 'no?' } })
    await waitFor(() => approvals.length === 2 || undefined, 5000, 'second approval requested')
    env.bridge.decide(approvals[1].id, 'deny')
    const r = await denied
    expect(r.isError).toBe(true)
    expect(JSON.stringify(r.content)).toMatch(/denied this sampling request: the user denied it/)
    await waitFor(
      () =>
        (
          env.core.ctx.db
            .prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'sampling' AND outcome = 'denied'")
            .get() as { n: number }
        ).n === 1 || undefined,
      3000,
      'denied sampling audited',
    )
  })
})

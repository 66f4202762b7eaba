// A stdio MCP server offering every capability Keybridge relays, for end-to-end tests that compare a
// client connected through Keybridge with one connected directly: tools with output schemas and
// structured content, image / audio / embedded resources / resource links, resources with templates
// and subscriptions, prompts with arguments and embedded resources, completions, logging, progress,
// cancellation, and the server-to-client requests sampling, elicitation and roots.
// Argument `--names=hostile` adds tools whose names need sanitising (dots, dashes, Unicode, 120 chars).
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListRootsResultSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  RootsListChangedNotificationSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'

const hostile = process.argv.includes('--names=hostile')
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const WAV = Buffer.from('RIFF0000WAVEfmt ').toString('base64')
const ITEMS = ['apple', 'apricot', 'banana', 'cherry']

const server = new Server(
  { name: 'full-fixture', version: '1.0.0' },
  {
    capabilities: {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    },
  },
)

const subscribed = new Set<string>()
let cancelled = 0
let rootsChanged = 0
server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
  rootsChanged++
})

const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object' as const,
  properties,
  ...(required.length ? { required } : {}),
})

const TOOLS: Tool[] = [
  {
    name: 'add',
    title: 'Add two numbers',
    description: 'Adds a and b; structured result.',
    inputSchema: obj({ a: { type: 'number' }, b: { type: 'number' } }, ['a', 'b']),
    outputSchema: obj({ sum: { type: 'number' } }, ['sum']),
    annotations: { readOnlyHint: true },
    icons: [{ src: `data:image/png;base64,${PNG}`, mimeType: 'image/png' }],
    _meta: { 'fixture/kind': 'math' },
  },
  {
    name: 'media',
    description: 'Returns an image, audio, an embedded resource and a resource link.',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'with_defs',
    description: 'A schema with $schema and local $defs.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { point: { $ref: '#/$defs/Point' } },
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } } },
    } as Tool['inputSchema'],
    annotations: { readOnlyHint: true },
  },
  {
    name: 'long',
    description: 'Reports progress for `steps` steps.',
    inputSchema: obj({ steps: { type: 'integer' }, delayMs: { type: 'integer' } }),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'wait',
    description: 'Waits until cancelled.',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'stats',
    description: 'How many calls were cancelled.',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'ask_model',
    description: 'Asks the client model (sampling).',
    inputSchema: obj({ question: { type: 'string' } }),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'ask_and_give_up',
    description: 'Asks the client model, then cancels the request after 150 ms.',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'ask_user',
    description: 'Asks the user (elicitation).',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'roots',
    description: "Lists the client's roots.",
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'log',
    description: 'Logs at every level.',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'touch',
    description: 'Marks a resource updated.',
    inputSchema: obj({ uri: { type: 'string' } }, ['uri']),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'pid',
    description: 'The process id (tells shared and per-client processes apart).',
    inputSchema: obj({}),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'task_only',
    description: 'Runs only as a task.',
    inputSchema: obj({}),
    execution: { taskSupport: 'required' },
    annotations: { readOnlyHint: true },
  },
  ...(hostile
    ? [
        'get.thing',
        'get-thing',
        'get_thing',
        'grüße-ünïcode',
        '日本語',
        'x'.repeat(120),
        'x'.repeat(119) + 'y',
        '__double__underscore__',
      ].map((name) => ({
        name,
        description: `Hostile name ${name.slice(0, 20)}`,
        inputSchema: obj({}),
        annotations: { readOnlyHint: true },
      }))
    : []),
]

const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }))

server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
  const a = (req.params.arguments ?? {}) as Record<string, unknown>
  switch (req.params.name) {
    case 'add': {
      const sum = Number(a['a']) + Number(a['b'])
      return { content: [{ type: 'text', text: String(sum) }], structuredContent: { sum } }
    }
    case 'media':
      return {
        content: [
          { type: 'image', data: PNG, mimeType: 'image/png' },
          { type: 'audio', data: WAV, mimeType: 'audio/wav' },
          {
            type: 'resource',
            resource: { uri: 'fixture://static/hello', mimeType: 'text/plain', text: 'Hello' },
          },
          { type: 'resource_link', uri: 'fixture://items/apple', name: 'apple', mimeType: 'text/plain' },
        ],
      }
    case 'with_defs':
      return text(JSON.stringify(a))
    case 'long': {
      const steps = Number(a['steps'] ?? 3)
      const token = extra._meta?.progressToken
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined)
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: i, total: steps, message: `step ${i}` },
          })
        await sleep(Number(a['delayMs'] ?? 10))
      }
      return text(`done ${steps}`)
    }
    case 'wait':
      await new Promise<void>((resolve) => {
        if (extra.signal.aborted) return resolve()
        extra.signal.addEventListener('abort', () => resolve(), { once: true })
      })
      cancelled++
      return text('cancelled')
    case 'pid':
      return text(String(process.pid))
    case 'stats':
      return text(JSON.stringify({ cancelled, rootsChanged }))
    case 'ask_model': {
      const r = await extra.sendRequest(
        {
          method: 'sampling/createMessage',
          params: {
            messages: [{ role: 'user', content: { type: 'text', text: String(a['question'] ?? 'hi') } }],
            maxTokens: 50,
          },
        },
        CreateMessageResultSchema,
      )
      return text(`model said: ${r.content.type === 'text' ? r.content.text : r.content.type}`)
    }
    case 'ask_and_give_up': {
      const ac = new AbortController()
      setTimeout(() => ac.abort(), 150)
      try {
        await extra.sendRequest(
          {
            method: 'sampling/createMessage',
            params: { messages: [{ role: 'user', content: { type: 'text', text: 'hang' } }], maxTokens: 5 },
          },
          CreateMessageResultSchema,
          { signal: ac.signal },
        )
        return text('answered')
      } catch {
        return text('gave up')
      }
    }
    case 'ask_user': {
      const r = await extra.sendRequest(
        {
          method: 'elicitation/create',
          params: {
            message: 'Your favourite colour?',
            requestedSchema: {
              type: 'object',
              properties: { colour: { type: 'string' } },
              required: ['colour'],
            },
          },
        },
        ElicitResultSchema,
      )
      return text(JSON.stringify(r))
    }
    case 'roots': {
      const r = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema)
      return text(JSON.stringify(r.roots))
    }
    case 'log':
      for (const level of ['debug', 'info', 'warning', 'error'] as const)
        await server.sendLoggingMessage({ level, logger: 'fixture', data: `a ${level} message` })
      return text('logged')
    case 'touch': {
      const uri = String(a['uri'])
      if (subscribed.has(uri)) await server.sendResourceUpdated({ uri })
      return text(subscribed.has(uri) ? 'notified' : 'not subscribed')
    }
    default:
      if (TOOLS.some((t) => t.name === req.params.name)) return text(`called ${req.params.name}`)
      throw new McpError(-32602, `Unknown tool: ${req.params.name}`)
  }
})

server.setRequestHandler(ListResourcesRequestSchema, async () => ({
  resources: [
    { uri: 'fixture://static/hello', name: 'hello', title: 'Hello text', mimeType: 'text/plain' },
    { uri: 'fixture://static/blob', name: 'blob', mimeType: 'application/octet-stream' },
    { uri: 'shared://clash', name: 'clash', mimeType: 'text/plain' },
  ],
}))

server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
  resourceTemplates: [{ uriTemplate: 'fixture://items/{id}', name: 'item', mimeType: 'text/plain' }],
}))

server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
  const uri = req.params.uri
  if (uri === 'fixture://static/hello') return { contents: [{ uri, mimeType: 'text/plain', text: 'Hello' }] }
  if (uri === 'fixture://static/blob')
    return {
      contents: [
        { uri, mimeType: 'application/octet-stream', blob: Buffer.from([1, 2, 3]).toString('base64') },
      ],
    }
  if (uri === 'shared://clash')
    return { contents: [{ uri, mimeType: 'text/plain', text: `clash from ${process.argv.at(-1)}` }] }
  const m = /^fixture:\/\/items\/(.+)$/.exec(uri)
  if (m) return { contents: [{ uri, mimeType: 'text/plain', text: `item ${m[1]}` }] }
  throw new McpError(-32002, `Resource not found: ${uri}`)
})

server.setRequestHandler(SubscribeRequestSchema, async (req) => {
  subscribed.add(req.params.uri)
  return {}
})
server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
  subscribed.delete(req.params.uri)
  return {}
})

server.setRequestHandler(ListPromptsRequestSchema, async () => ({
  prompts: [
    {
      name: 'greet',
      title: 'Greet someone',
      description: 'A greeting with an embedded resource.',
      arguments: [{ name: 'name', description: 'Who', required: true }],
    },
    { name: 'plain.prompt-x', description: 'A prompt with a hostile name.' },
  ],
}))

server.setRequestHandler(GetPromptRequestSchema, async (req) => {
  if (req.params.name === 'greet')
    return {
      description: 'Greeting',
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: `Say hello to ${req.params.arguments?.['name'] ?? '?'}` },
        },
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: { uri: 'fixture://static/hello', mimeType: 'text/plain', text: 'Hello' },
          },
        },
      ],
    }
  if (req.params.name === 'plain.prompt-x')
    return { messages: [{ role: 'user', content: { type: 'text', text: 'plain' } }] }
  throw new McpError(-32602, `Unknown prompt: ${req.params.name}`)
})

server.setRequestHandler(CompleteRequestSchema, async (req) => {
  const value = req.params.argument.value
  const values =
    req.params.ref.type === 'ref/prompt'
      ? ['Ada', 'Alan', 'Grace'].filter((n) => n.startsWith(value))
      : ITEMS.filter((i) => i.startsWith(value))
  return { completion: { values, total: values.length, hasMore: false } }
})

server.connect(new StdioServerTransport()).catch(() => process.exit(1))

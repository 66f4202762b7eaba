// A tiny stdio MCP server for tests: it reports whether an environment variable reached it (present,
// length, SHA-256) without ever echoing the value, echoes text, and can crash on demand.
import { createHash } from 'node:crypto'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'

const server = new Server({ name: 'env-reporter', version: '1.0.0' }, { capabilities: { tools: {} } })

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: 'report_env',
      description: 'Whether an environment variable is set (never its value).',
      inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      annotations: { readOnlyHint: true },
    },
    {
      name: 'echo',
      description: 'Returns the text it was given.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
      annotations: { readOnlyHint: true },
    },
    {
      name: 'crash',
      description: 'Exits the process (for restart tests).',
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: false, destructiveHint: true },
    },
  ],
}))

server.setRequestHandler(CallToolRequestSchema, async (req) => {
  const args = (req.params.arguments ?? {}) as Record<string, unknown>
  switch (req.params.name) {
    case 'report_env': {
      const value = process.env[String(args['name'])]
      const report = {
        present: value !== undefined,
        length: value?.length ?? 0,
        sha256: value === undefined ? null : createHash('sha256').update(value).digest('hex'),
        pid: process.pid,
      }
      return { content: [{ type: 'text', text: JSON.stringify(report) }], structuredContent: report }
    }
    case 'echo':
      return { content: [{ type: 'text', text: String(args['text'] ?? '') }] }
    case 'crash':
      setTimeout(() => process.exit(3), 10)
      return { content: [{ type: 'text', text: 'crashing' }] }
    default:
      return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true }
  }
})

server.connect(new StdioServerTransport()).catch(() => process.exit(1))

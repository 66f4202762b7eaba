// A stdio MCP server for the fault tests: `wait` answers after `ms` milliseconds (so a test can kill the
// process while a call is in flight) and tells its pid; `echo` answers at once.
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'

const server = new Server({ name: 'slow-upstream', version: '1.0.0' }, { capabilities: { tools: {} } })

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: 'wait',
      description: 'Answers after ms milliseconds with its pid.',
      inputSchema: { type: 'object', properties: { ms: { type: 'number' } } },
      annotations: { readOnlyHint: true },
    },
    {
      name: 'echo',
      description: 'Returns the text it was given and its pid.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
      annotations: { readOnlyHint: true },
    },
  ],
}))

server.setRequestHandler(CallToolRequestSchema, async (req) => {
  const args = (req.params.arguments ?? {}) as Record<string, unknown>
  if (req.params.name === 'wait') await new Promise((r) => setTimeout(r, Number(args['ms'] ?? 1000)))
  return {
    content: [{ type: 'text', text: JSON.stringify({ pid: process.pid, text: args['text'] ?? null }) }],
  }
})

server.connect(new StdioServerTransport()).catch(() => process.exit(1))

import { exposedName } from '../../../electron/core/bridge/names'
import type { BridgeTool, ToolSource } from '../../../electron/core/bridge/tool-source'

/** A tool source with one tool per permission level, for bridge tests and benchmarks. */
export function testToolSource(id = 'test'): ToolSource & { calls: { tool: string; args: unknown }[] } {
  const calls: { tool: string; args: unknown }[] = []
  const tool = (name: string, annotations: BridgeTool['annotations']): BridgeTool => ({
    id: `${id}/${name}`,
    nameParts: [id, name],
    name: exposedName([id, name], `${id}/${name}`),
    originalName: name,
    description: `Test tool ${name}`,
    inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
    annotations,
    source: id,
    async call(args) {
      calls.push({ tool: name, args })
      return { content: [{ type: 'text', text: `${name}:${String(args['text'] ?? '')}` }] }
    },
  })
  return {
    id,
    calls,
    async listTools() {
      return [
        tool('read_thing', { readOnlyHint: true }),
        tool('write_thing', { readOnlyHint: false, destructiveHint: false }),
        tool('exec_thing', {}),
      ]
    },
  }
}

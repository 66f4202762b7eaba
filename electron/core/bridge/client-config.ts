import type { ClientKind } from '../../../shared/ipc/bridge'

const FILE_HINT: Record<ClientKind, string> = {
  lmstudio: 'LM Studio: Program → Install → Edit mcp.json',
  cursor: 'Cursor: ~/.cursor/mcp.json (or .cursor/mcp.json in a project)',
  claude:
    'Claude Desktop: Settings → Developer → Edit Config (claude_desktop_config.json); needs Node.js for npx',
  vscode: 'VS Code: .vscode/mcp.json in a workspace, or "MCP: Open User Configuration"',
}

/** The config each app expects (formats from /work/shared/API-FACTS.md). */
export function clientConfigSnippet(
  client: ClientKind,
  url: string,
  token: string,
): { snippet: string; fileHint: string } {
  const headers = { Authorization: `Bearer ${token}` }
  let config: unknown
  switch (client) {
    case 'lmstudio':
    case 'cursor':
      config = { mcpServers: { keybridge: { url, headers } } }
      break
    case 'claude':
      // Claude Desktop speaks stdio only: mcp-remote bridges it to HTTP. The token travels in env so
      // the args stay free of spaces (a known Windows quoting problem).
      config = {
        mcpServers: {
          keybridge: {
            command: 'npx',
            args: ['mcp-remote', url, '--header', 'Authorization:${AUTH}'],
            env: { AUTH: `Bearer ${token}` },
          },
        },
      }
      break
    case 'vscode':
      config = { servers: { keybridge: { type: 'http', url, headers } } }
      break
  }
  return { snippet: JSON.stringify(config, null, 2), fileHint: FILE_HINT[client] }
}

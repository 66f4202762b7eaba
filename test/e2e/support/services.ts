import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { startFake, type FakeServer } from '../../fakes/providers/fake-server'
import { githubFake } from '../../fakes/providers/github'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'

export { GITHUB_PAT } from '../../fakes/providers/github'

/** The fakes a journey needs, on 127.0.0.1 port 0, and the env that points the core at them. */
export async function startFakes(): Promise<{
  github: FakeServer
  ha: FakeHomeAssistant
  env: Record<string, string>
  close(): Promise<void>
}> {
  const github = await startFake(githubFake.spec)
  const ha = await startFakeHomeAssistant()
  return {
    github,
    ha,
    env: { KEYBRIDGE_GITHUB_BASE_URL: github.url },
    async close() {
      await Promise.all([github.close(), ha.close()])
    },
  }
}

/** An MCP client as an LLM app would run it: the official SDK over Streamable HTTP with a client token. */
export async function mcpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'e2e-llm-app', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  })
  await client.connect(transport)
  return client
}

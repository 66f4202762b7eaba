import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { reporterCommand } from '../bridge/support'

export const FIXTURES = join(__dirname, '../../fixtures/import-config')

/** The secrets each fixture holds, by where they sit (what the import must find). */
export const FIXTURE_SECRETS: Record<
  string,
  { server: string | null; key: string; value: string; service: string }[]
> = {
  'claude_desktop_config.json': [
    {
      server: 'github',
      key: 'GITHUB_PERSONAL_ACCESS_TOKEN',
      value: 'ghp_FAKEfixture0claude0desktop00000000001',
      service: 'github',
    },
    {
      server: 'slack',
      key: 'SLACK_BOT_TOKEN',
      value: 'xoxb-1111111111-2222222222-FAKEfixtureSlackBot',
      service: 'slack',
    },
    {
      server: 'remote-search',
      key: 'AUTH_HEADER',
      value: 'FAKEfixtureRemoteBearer0123456789abcdef',
      service: 'custom',
    },
  ],
  'cursor/.cursor/mcp.json': [
    {
      server: 'linear',
      key: 'LINEAR_API_KEY',
      value: 'lin_api_FAKEfixtureCursorLinear000000000001',
      service: 'linear',
    },
    {
      server: 'notion',
      key: 'NOTION_TOKEN',
      value: 'ntn_FAKEfixtureCursorNotion00000000000001',
      service: 'notion',
    },
    {
      server: 'remote-api',
      key: 'Authorization',
      value: 'sk-proj-FAKEfixtureCursorOpenAI0000000001',
      service: 'openai',
    },
  ],
  'lmstudio/.lmstudio/mcp.json': [
    {
      server: 'hf-mcp-server',
      key: 'Authorization',
      value: 'hf_FAKEfixtureLmStudioHuggingFace000001',
      service: 'custom',
    },
    {
      server: 'claude-helper',
      key: 'ANTHROPIC_API_KEY',
      value: 'sk-ant-api03-FAKEfixtureLmStudioAnthropic01',
      service: 'anthropic',
    },
  ],
  'vscode/.vscode/mcp.json': [
    {
      server: 'gitlab',
      key: 'GITLAB_PERSONAL_ACCESS_TOKEN',
      value: 'glpat-FAKEfixtureVsCodeGitLab01',
      service: 'gitlab',
    },
    {
      server: 'docs-remote',
      key: 'X-API-Key',
      value: 'FAKEfixtureVsCodeHeaderKey0123456789',
      service: 'custom',
    },
  ],
  'vscode-settings/settings.json': [
    {
      server: 'sentry',
      key: 'SENTRY_ACCESS_TOKEN',
      value: 'sntryu_FAKEfixtureVsCodeSettingsSentry0001',
      service: 'sentry',
    },
  ],
  'project.env': [
    {
      server: null,
      key: 'OPENAI_API_KEY',
      value: 'sk-FAKEfixtureDotenvOpenAI000000000001',
      service: 'openai',
    },
    {
      server: null,
      key: 'ANTHROPIC_API_KEY',
      value: 'sk-ant-FAKEfixtureDotenvAnthropic0001',
      service: 'anthropic',
    },
    {
      server: null,
      key: 'DATABASE_URL',
      value: 'postgres://app:FAKEfixtureDbPass01@db.example.com:5432/app',
      service: 'custom',
    },
    {
      server: null,
      key: 'STRIPE_SECRET_KEY',
      value: 'rk_FAKEfixtureDotenvStripe000000001',
      service: 'custom',
    },
  ],
}

/**
 * Copies a fixture into `dir` (keeping its sub-path, which tells the apps apart). With `runnable`, every
 * documented `"command": "npx", "args": [...]` is pointed at the env-reporter fake so the servers can
 * start offline; nothing else in the file changes (comments included).
 */
export function copyFixture(
  rel: string,
  dir: string,
  opts: { runnable?: boolean; remoteUrl?: string } = {},
): string {
  const to = join(dir, rel)
  mkdirSync(dirname(to), { recursive: true })
  if (!opts.runnable) {
    copyFileSync(join(FIXTURES, rel), to)
    return to
  }
  const { command, args } = reporterCommand()
  const text = readFileSync(join(FIXTURES, rel), 'utf8').replace(
    /"command": "npx",(\s*)"args": \[[^\]\n]*\]/g,
    (_m, gap: string) => `"command": ${JSON.stringify(command)},${gap}"args": ${JSON.stringify(args)}`,
  )
  // #18: URL servers point at a local fake remote MCP server (with remoteUrl), so they run offline too.
  const withRemote = opts.remoteUrl
    ? text.replace(/"url": "https:\/\/[^"]+"/g, `"url": ${JSON.stringify(opts.remoteUrl)}`)
    : text
  writeFileSync(to, withRemote)
  return to
}

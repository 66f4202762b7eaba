import type { Provider } from './types'
import { anthropic, mistral, openai } from './services/ai'
import { confluence, jira } from './services/atlassian'
import { custom } from './services/custom'
import { github } from './services/github'
import { gitlab } from './services/gitlab'
import { google } from './services/google'
import { homeassistant } from './services/homeassistant'
import { linear } from './services/linear'
import { notion } from './services/notion'
import { sentry } from './services/sentry'
import { slack } from './services/slack'
import { todoist } from './services/todoist'

/** How each catalog service authenticates and validates, keyed by the catalog id. */
const PROVIDERS = new Map<string, Provider>(
  [
    notion,
    jira,
    confluence,
    todoist,
    sentry,
    github,
    gitlab,
    slack,
    linear,
    openai,
    anthropic,
    mistral,
    google,
    homeassistant,
    custom,
  ].map((p) => [p.id, p]),
)

export function getProvider(id: string): Provider | undefined {
  return PROVIDERS.get(id)
}

export function providerIds(): string[] {
  return [...PROVIDERS.keys()]
}

import { anthropicFake, mistralFake, openaiFake } from './ai'
import { confluenceFake, jiraFake } from './atlassian'
import { customFake } from './custom'
import type { ProviderFake } from './fake-server'
import { githubFake } from './github'
import { gitlabFake } from './gitlab'
import { googleFake } from './google'
import { homeassistantFake } from './homeassistant'
import { linearFake } from './linear'
import { notionFake } from './notion'
import { sentryFake } from './sentry'
import { slackFake } from './slack'
import { todoistFake } from './todoist'

/** One fake per catalog service. */
export const PROVIDER_FAKES: ProviderFake[] = [
  notionFake,
  jiraFake,
  confluenceFake,
  todoistFake,
  sentryFake,
  githubFake,
  gitlabFake,
  slackFake,
  linearFake,
  openaiFake,
  anthropicFake,
  mistralFake,
  googleFake,
  homeassistantFake,
  customFake,
]

export { startFake } from './fake-server'

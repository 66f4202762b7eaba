import type { ServiceDescriptor, ServiceField } from '../../../shared/models/service'

// The service catalog: what each service is and which fields its credentials have. How each one
// validates and authenticates requests lives beside it in providers/ (keyed by the same id).

function field(key: string, label: string, opts: Partial<ServiceField> = {}): ServiceField {
  return {
    key,
    label,
    secret: false,
    optional: false,
    kind: 'text',
    hint: null,
    placeholder: null,
    ...opts,
  }
}
const secret = (key: string, label: string, opts: Partial<ServiceField> = {}) =>
  field(key, label, { secret: true, kind: 'password', ...opts })

const site = (example: string) =>
  field('site', 'Site URL', {
    kind: 'url',
    placeholder: example,
    hint: 'Your Atlassian site, e.g. https://acme.atlassian.net',
  })
const atlassianEmail = field('email', 'Account email', { kind: 'email', placeholder: 'you@example.com' })
const atlassianToken = secret('apiToken', 'API token', {
  hint: 'Create one at id.atlassian.com → Security → API tokens.',
})
const noOauth = { supported: false, flows: [] }

export const CATALOG: readonly ServiceDescriptor[] = [
  {
    id: 'notion',
    name: 'Notion',
    authKind: 'bearer',
    fields: [secret('token', 'Integration secret', { placeholder: 'ntn_… or secret_…' })],
    baseUrl: 'https://api.notion.com',
    docsUrl: 'https://developers.notion.com/reference/get-self',
    category: 'productivity',
    oauth: noOauth,
  },
  {
    id: 'jira',
    name: 'Jira Cloud',
    authKind: 'basic',
    fields: [site('https://acme.atlassian.net'), atlassianEmail, atlassianToken],
    baseUrl: null,
    docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/',
    category: 'productivity',
    oauth: noOauth,
  },
  {
    id: 'confluence',
    name: 'Confluence',
    authKind: 'basic',
    fields: [site('https://acme.atlassian.net'), atlassianEmail, atlassianToken],
    baseUrl: null,
    docsUrl: 'https://developer.atlassian.com/cloud/confluence/rest/v1/api-group-users/',
    category: 'productivity',
    oauth: noOauth,
  },
  {
    id: 'todoist',
    name: 'Todoist',
    authKind: 'bearer',
    fields: [secret('token', 'API token', { hint: 'Todoist → Settings → Integrations → Developer.' })],
    baseUrl: 'https://api.todoist.com',
    docsUrl: 'https://developer.todoist.com/api/v1/',
    category: 'productivity',
    oauth: noOauth,
  },
  {
    id: 'sentry',
    name: 'Sentry',
    authKind: 'bearer',
    fields: [
      secret('token', 'Auth token', { placeholder: 'sntrys_… or sntryu_…' }),
      field('url', 'Sentry URL', {
        kind: 'url',
        optional: true,
        hint: 'Only for self-hosted Sentry.',
        placeholder: 'https://sentry.io',
      }),
    ],
    baseUrl: 'https://sentry.io',
    docsUrl: 'https://docs.sentry.io/api/auth/',
    category: 'developer',
    oauth: noOauth,
  },
  {
    id: 'github',
    name: 'GitHub',
    authKind: 'bearer',
    fields: [secret('token', 'Personal access token', { placeholder: 'github_pat_… or ghp_…' })],
    baseUrl: 'https://api.github.com',
    docsUrl: 'https://docs.github.com/en/rest/users/users#get-the-authenticated-user',
    category: 'developer',
    oauth: { supported: true, flows: ['authorization_code', 'device_code'] },
  },
  {
    id: 'gitlab',
    name: 'GitLab',
    authKind: 'bearer',
    fields: [
      secret('token', 'Personal access token', { placeholder: 'glpat-…' }),
      field('url', 'GitLab URL', {
        kind: 'url',
        optional: true,
        hint: 'Only for self-managed GitLab.',
        placeholder: 'https://gitlab.com',
      }),
    ],
    baseUrl: 'https://gitlab.com',
    docsUrl: 'https://docs.gitlab.com/api/users/#get-the-current-user',
    category: 'developer',
    oauth: { supported: true, flows: ['authorization_code'] },
  },
  {
    id: 'slack',
    name: 'Slack',
    authKind: 'bearer',
    fields: [secret('token', 'Bot or user token', { placeholder: 'xoxb-… or xoxp-…' })],
    baseUrl: 'https://slack.com',
    docsUrl: 'https://api.slack.com/methods/auth.test',
    category: 'productivity',
    oauth: noOauth,
  },
  {
    id: 'linear',
    name: 'Linear',
    authKind: 'api_key',
    fields: [secret('apiKey', 'Personal API key', { placeholder: 'lin_api_…' })],
    baseUrl: 'https://api.linear.app',
    docsUrl: 'https://linear.app/developers/graphql',
    category: 'productivity',
    oauth: noOauth,
  },
  {
    id: 'openai',
    name: 'OpenAI',
    authKind: 'bearer',
    fields: [
      secret('apiKey', 'API key', { placeholder: 'sk-…' }),
      field('organization', 'Organization ID', { optional: true, placeholder: 'org-…' }),
    ],
    baseUrl: 'https://api.openai.com',
    docsUrl: 'https://platform.openai.com/docs/api-reference/models/list',
    category: 'ai',
    oauth: noOauth,
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    authKind: 'api_key',
    fields: [secret('apiKey', 'API key', { placeholder: 'sk-ant-…' })],
    baseUrl: 'https://api.anthropic.com',
    docsUrl: 'https://docs.anthropic.com/en/api/models-list',
    category: 'ai',
    oauth: noOauth,
  },
  {
    id: 'mistral',
    name: 'Mistral',
    authKind: 'bearer',
    fields: [secret('apiKey', 'API key')],
    baseUrl: 'https://api.mistral.ai',
    docsUrl: 'https://docs.mistral.ai/api/#tag/models',
    category: 'ai',
    oauth: noOauth,
  },
  {
    id: 'google',
    name: 'Google (Gmail, Calendar)',
    authKind: 'oauth2',
    fields: [
      field('clientId', 'OAuth client ID', {
        placeholder: '….apps.googleusercontent.com',
        hint: 'A "Desktop app" client from Google Cloud Console.',
      }),
      secret('clientSecret', 'OAuth client secret', {
        hint: 'Google gives desktop clients a non-confidential secret; it is still kept sealed.',
      }),
    ],
    baseUrl: 'https://www.googleapis.com',
    docsUrl: 'https://developers.google.com/identity/protocols/oauth2/native-app',
    category: 'google',
    oauth: { supported: true, flows: ['authorization_code'] },
  },
  {
    id: 'homeassistant',
    name: 'Home Assistant',
    authKind: 'bearer',
    fields: [
      field('url', 'URL', { kind: 'url', placeholder: 'http://homeassistant.local:8123' }),
      secret('token', 'Long-lived access token', {
        hint: 'Your profile → Security → Long-lived access tokens.',
      }),
    ],
    baseUrl: null,
    docsUrl: 'https://developers.home-assistant.io/docs/api/rest/',
    category: 'home',
    oauth: noOauth,
  },
  {
    id: 'custom',
    name: 'Custom API',
    authKind: 'custom_header',
    fields: [
      field('baseUrl', 'API base URL', { kind: 'url', placeholder: 'https://api.example.com' }),
      field('headerName', 'Header name', { kind: 'header-name', placeholder: 'Authorization' }),
      field('headerTemplate', 'Header value', {
        kind: 'template',
        placeholder: 'Bearer {{secret}}',
        hint: '{{secret}} is replaced by the secret below when a request is sent.',
      }),
      secret('secret', 'Secret'),
      field('validatePath', 'Path to test with', {
        optional: true,
        placeholder: '/me',
        hint: 'A cheap authenticated GET; leave empty to skip the check.',
      }),
    ],
    baseUrl: null,
    docsUrl: 'https://github.com/keybridge/keybridge/blob/main/docs/BRIDGE.md',
    category: 'custom',
    oauth: noOauth,
  },
]

const byId = new Map(CATALOG.map((s) => [s.id, s]))

export function listServiceDescriptors(): readonly ServiceDescriptor[] {
  return CATALOG
}

export function getServiceDescriptor(id: string): ServiceDescriptor | undefined {
  return byId.get(id)
}

export function secretFieldKeys(service: ServiceDescriptor): string[] {
  return service.fields.filter((f) => f.secret).map((f) => f.key)
}

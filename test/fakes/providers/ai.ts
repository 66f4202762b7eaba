import { bearerOf, routes, type ProviderFake } from './fake-server'

export const OPENAI_KEY = 'sk-proj-validKeyForTests0123456789abcdefABCDEF'
export const ANTHROPIC_KEY = 'sk-ant-api03-validKeyForTests0123456789abcdef'
export const MISTRAL_KEY = 'mistralValidKeyForTests0123456789'

const masked = (k: string) => `${k.slice(0, 3)}${'*'.repeat(8)}${k.slice(-4)}`

/** OpenAI: GET /v1/models; a bad key's error names the key (masked) and code invalid_api_key. */
export const openaiFake: ProviderFake = {
  service: 'openai',
  account: null,
  secrets: [OPENAI_KEY],
  values: (kind) => ({ apiKey: kind === 'valid' ? OPENAI_KEY : 'sk-proj-wrongwrongwrong0000' }),
  spec: {
    handle: routes({
      'GET /v1/models': (r) => {
        const k = bearerOf(r)
        if (k !== OPENAI_KEY) {
          return {
            status: 401,
            body: {
              error: {
                message: `Incorrect API key provided: ${masked(k ?? '')}. You can find your API key at https://platform.openai.com/account/api-keys.`,
                type: 'invalid_request_error',
                param: null,
                code: 'invalid_api_key',
              },
            },
          }
        }
        return {
          status: 200,
          body: {
            object: 'list',
            data: [
              { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
              { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
            ],
          },
        }
      },
    }),
    rateLimited: () => ({
      status: 429,
      headers: {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '8s',
        'retry-after': '8',
      },
      body: {
        error: {
          message: 'Rate limit reached for requests',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    }),
  },
}

/** Anthropic: GET /v1/models with x-api-key and the required anthropic-version header. */
export const anthropicFake: ProviderFake = {
  service: 'anthropic',
  account: null,
  secrets: [ANTHROPIC_KEY],
  values: (kind) => ({ apiKey: kind === 'valid' ? ANTHROPIC_KEY : 'sk-ant-api03-wrong' }),
  spec: {
    handle: routes({
      'GET /v1/models': (r) => {
        if (!r.headers['anthropic-version']) {
          return {
            status: 400,
            body: {
              type: 'error',
              error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
            },
          }
        }
        if (r.headers['x-api-key'] !== ANTHROPIC_KEY) {
          return {
            status: 401,
            body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
          }
        }
        return {
          status: 200,
          body: {
            data: [
              {
                type: 'model',
                id: 'claude-sonnet-4-5',
                display_name: 'Claude Sonnet 4.5',
                created_at: '2025-09-29T00:00:00Z',
              },
            ],
            has_more: false,
            first_id: 'claude-sonnet-4-5',
            last_id: 'claude-sonnet-4-5',
          },
        }
      },
    }),
    rateLimited: () => ({
      status: 429,
      headers: { 'retry-after': '15', 'anthropic-ratelimit-requests-remaining': '0' },
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Number of request tokens has exceeded your per-minute rate limit',
        },
      },
    }),
  },
}

/** Mistral: GET /v1/models, Bearer. */
export const mistralFake: ProviderFake = {
  service: 'mistral',
  account: null,
  secrets: [MISTRAL_KEY],
  values: (kind) => ({ apiKey: kind === 'valid' ? MISTRAL_KEY : 'mistralWrongKey' }),
  spec: {
    handle: routes({
      'GET /v1/models': (r) =>
        bearerOf(r) !== MISTRAL_KEY
          ? { status: 401, body: { message: 'Unauthorized', request_id: 'a1b2c3' } }
          : {
              status: 200,
              body: {
                object: 'list',
                data: [{ id: 'mistral-large-latest', object: 'model', owned_by: 'mistralai' }],
              },
            },
    }),
  },
}

import { describe, expect, it } from 'vitest'
import {
  detectSecret,
  maskSecret,
  secretInArg,
  secretName,
} from '../../../electron/core/import-config/detect'

const fill = (n: number) => 'A1b2C3d4E5'.repeat(Math.ceil(n / 10)).slice(0, n)

describe('detectSecret', () => {
  it('recognises known token shapes and guesses their service', () => {
    const cases: [string, string][] = [
      [`ghp_${fill(36)}`, 'github'],
      [`github_pat_${fill(40)}`, 'github'],
      [`glpat-${fill(20)}`, 'gitlab'],
      [`sk-ant-api03-${fill(30)}`, 'anthropic'],
      [`sk-proj-${fill(30)}`, 'openai'],
      [`sk-${fill(30)}`, 'openai'],
      [`xoxb-123-456-${fill(20)}`, 'slack'],
      [`xoxp-123-456-${fill(20)}`, 'slack'],
      [`secret_${fill(30)}`, 'notion'],
      [`ntn_${fill(30)}`, 'notion'],
      [`lin_api_${fill(30)}`, 'linear'],
      [`hf_${fill(30)}`, 'custom'],
    ]
    for (const [value, service] of cases) {
      const d = detectSecret('SOME_SETTING', value, 'env')
      expect(d, value).not.toBeNull()
      expect(d!.service, value).toBe(service)
      expect(d!.secret).toBe(value)
      expect(d!.template).toBe('{{secret}}')
    }
  })

  it('recognises secret names, and guesses the service from the name', () => {
    for (const key of [
      'API_KEY',
      'MY_TOKEN',
      'DB_PASSWORD',
      'CLIENT_SECRET',
      'apiKey',
      'accessToken',
      'GITHUB_PAT',
    ]) {
      expect(detectSecret(key, 'opaque-value-1234', 'env'), key).not.toBeNull()
    }
    expect(detectSecret('MISTRAL_API_KEY', 'abcdefgh12345678', 'env')!.service).toBe('mistral')
    expect(detectSecret('TODOIST_API_TOKEN', 'abcdefgh12345678', 'env')!.service).toBe('todoist')
    expect(detectSecret('RANDOM_KEY', 'abcdefgh12345678', 'env')!.service).toBe('custom')
  })

  it('ignores non-secret values and names', () => {
    const plain: [string, string][] = [
      ['LOG_LEVEL', 'info'],
      ['SLACK_TEAM_ID', 'T01234567'],
      ['API_KEY', 'true'],
      ['TOKEN_PATH', `ghp_x`],
      ['SSH_KEY_PATH', '/home/me/.ssh/id_ed25519'],
      ['API_KEY', '/etc/secret'],
      ['AUTH_URL', 'https://auth.example.com/token'],
      ['PORT', '3000'],
      ['API_KEY', '${input:api-key}'],
      ['API_KEY', '${env:API_KEY}'],
      ['API_KEY', '{{credential:github/me.token}}'],
      ['AUTH', `Bearer kb_${fill(43)}`],
    ]
    for (const [k, v] of plain) expect(detectSecret(k, v, 'env'), `${k}=${v}`).toBeNull()
  })

  it('takes the credential out of scheme values: Bearer X → X', () => {
    const d = detectSecret('Authorization', `Bearer ghp_${fill(36)}`, 'header')!
    expect(d.secret).toBe(`ghp_${fill(36)}`)
    expect(d.template).toBe('Bearer {{secret}}')
    expect(d.service).toBe('github')
    const basic = detectSecret('Authorization', 'Basic dXNlcjpwYXNzd29yZA==', 'header')!
    expect(basic.template).toBe('Basic {{secret}}')
    expect(detectSecret('X-API-Key', 'opaque-value-1234', 'header')).not.toBeNull()
    expect(detectSecret('Accept', 'application/json', 'header')).toBeNull()
  })

  it('takes URLs with a password for secrets', () => {
    expect(detectSecret('DATABASE_URL', 'postgres://u:pw12345@db:5432/x', 'env')!.service).toBe('custom')
    expect(detectSecret('HOME_URL', 'https://example.com/path', 'env')).toBeNull()
  })

  it('finds token shapes in arguments', () => {
    expect(secretInArg(`--token=ghp_${fill(36)}`)).toBe(`ghp_${fill(36)}`)
    expect(secretInArg(`Authorization: Bearer sk-${fill(30)}`)).toBe(`sk-${fill(30)}`)
    expect(secretInArg('--verbose')).toBeNull()
    expect(secretName('KEYBOARD_LAYOUT')).toBe(false)
  })
})

describe('maskSecret', () => {
  it('shows the shape prefix and the last 4, nothing of short values', () => {
    expect(maskSecret(`ghp_${fill(32)}abcd`)).toBe('ghp_…abcd')
    expect(maskSecret(`sk-ant-${fill(30)}wxyz`)).toBe('sk-ant-…wxyz')
    expect(maskSecret('opaque-secret-value-1234')).toBe('opaq…1234')
    expect(maskSecret('short')).toBe('••••')
  })
})

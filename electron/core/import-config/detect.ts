import type { ImportNote, ImportShape } from '../../../shared/ipc/importConfig'
import { note } from './notes'

/** Known token shapes, most specific first: prefix → service (null: a secret of no catalog service). */
const SHAPES: { re: RegExp; service: string | null; id: ImportShape; label: string }[] = [
  {
    re: /^github_pat_[A-Za-z0-9_]{20,}$/,
    service: 'github',
    id: 'github_fine',
    label: 'GitHub fine-grained token',
  },
  { re: /^gh[pousr]_[A-Za-z0-9]{20,}$/, service: 'github', id: 'github', label: 'GitHub token' },
  { re: /^glpat-[A-Za-z0-9_-]{16,}$/, service: 'gitlab', id: 'gitlab', label: 'GitLab token' },
  { re: /^sk-ant-[A-Za-z0-9_-]{16,}$/, service: 'anthropic', id: 'anthropic', label: 'Anthropic key' },
  { re: /^sk-[A-Za-z0-9_-]{16,}$/, service: 'openai', id: 'openai', label: 'OpenAI key' },
  { re: /^xox[bpaer]-[A-Za-z0-9-]{10,}$/, service: 'slack', id: 'slack', label: 'Slack token' },
  { re: /^(?:secret|ntn)_[A-Za-z0-9]{20,}$/, service: 'notion', id: 'notion', label: 'Notion secret' },
  { re: /^lin_(?:api|oauth)_[A-Za-z0-9]{20,}$/, service: 'linear', id: 'linear', label: 'Linear key' },
  { re: /^sntry[su]_[A-Za-z0-9_=+/-]{20,}$/, service: 'sentry', id: 'sentry', label: 'Sentry token' },
  { re: /^hf_[A-Za-z0-9]{20,}$/, service: null, id: 'huggingface', label: 'Hugging Face token' },
  { re: /^AKIA[0-9A-Z]{16}$/, service: null, id: 'aws', label: 'AWS access key id' },
  { re: /^AIza[0-9A-Za-z_-]{30,}$/, service: null, id: 'google', label: 'Google API key' },
  {
    re: /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/,
    service: null,
    id: 'jwt',
    label: 'JSON Web Token',
  },
]

/** Words in a variable or header name that mark its value as secret. */
const SECRET_WORDS = new Set([
  'TOKEN',
  'KEY',
  'APIKEY',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTH',
  'AUTHORIZATION',
  'PAT',
  'BEARER',
  'COOKIE',
])
/** A last word that says the value is about a secret, not the secret (KEY_PATH, TOKEN_URL). */
const NOT_SECRET_LAST = new Set([
  'PATH',
  'FILE',
  'DIR',
  'URL',
  'URI',
  'HOST',
  'PORT',
  'NAME',
  'TYPE',
  'ID',
  'EXPIRY',
  'TTL',
  'LENGTH',
  'HEADER',
])

/** Service hints in variable names, for secrets of no known shape. */
const NAME_HINTS: [RegExp, string][] = [
  [/GITHUB|(^|_)GH_/, 'github'],
  [/GITLAB/, 'gitlab'],
  [/ANTHROPIC|CLAUDE/, 'anthropic'],
  [/OPENAI/, 'openai'],
  [/MISTRAL/, 'mistral'],
  [/SLACK/, 'slack'],
  [/NOTION/, 'notion'],
  [/LINEAR/, 'linear'],
  [/TODOIST/, 'todoist'],
  [/SENTRY/, 'sentry'],
]

export interface Detected {
  /** The secret itself (for `Bearer X`, the X). */
  secret: string
  /** How the full value is rebuilt around it: `{{secret}}` or `Bearer {{secret}}`. */
  template: string
  service: string
  reason: ImportNote
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean)
}

export function secretName(name: string): boolean {
  const w = words(name)
  if (w.length === 0) return false
  if (NOT_SECRET_LAST.has(w[w.length - 1])) return false
  return w.some((x) => SECRET_WORDS.has(x) || /(TOKEN|APIKEY|SECRET|PASSWORD)$/.test(x))
}

/** A value that is clearly not a secret even under a secret-sounding name. */
function plainValue(v: string): boolean {
  if (v.length < 4) return true
  if (/^(true|false|yes|no|on|off|null|none|undefined)$/i.test(v)) return true
  if (/^-?\d+(\.\d+)?$/.test(v)) return true
  if (/^(\/|~\/|\.{1,2}\/|[A-Za-z]:\\)/.test(v)) return true
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s@]*$/i.test(v)) return true
  return false
}

/** Placeholders of the apps themselves (VS Code `${input:x}`, `${env:X}`, `${X}`) and Keybridge references. */
export function isVariable(v: string): boolean {
  return /\$\{[^}]+\}|\{\{\s*credential:/.test(v)
}

function shapeOf(v: string) {
  return SHAPES.find((s) => s.re.test(v))
}

function serviceFromName(name: string): string | null {
  const up = name.toUpperCase()
  return NAME_HINTS.find(([re]) => re.test(up))?.[1] ?? null
}

/** `scheme://user:password@host`: the whole connection string is the secret. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i

/**
 * Whether an env value, header or .env variable holds a secret, which part of it, and which service
 * it probably belongs to. Known token shapes win over names; a Keybridge client token is not a secret to
 * import (it is the bridge's own).
 */
export function detectSecret(name: string, raw: string, kind: 'env' | 'header'): Detected | null {
  const value = raw.trim()
  if (!value || isVariable(value) || /^kb_[A-Za-z0-9_-]{43}$/.test(value)) return null
  // `Bearer X`, `Token X`, `Basic X`: the scheme stays in the template.
  const scheme = /^(Bearer|Token|Basic|Bot)\s+(\S+)$/i.exec(value)
  if (scheme) {
    if (/^kb_/.test(scheme[2]) || isVariable(scheme[2])) return null
    const inner = scheme[2]
    const shape = shapeOf(inner)
    return {
      secret: inner,
      template: `${scheme[1]} {{secret}}`,
      service: shape?.service ?? serviceFromName(name) ?? 'custom',
      reason: shape
        ? note('secret_shape_scheme', `${shape.label} in a ${scheme[1]} value`, {
            shape: shape.id,
            scheme: scheme[1],
          })
        : note('secret_scheme', `${scheme[1]} credential in ${name}`, { scheme: scheme[1], name }),
    }
  }
  const shape = shapeOf(value)
  if (shape) {
    return {
      secret: value,
      template: '{{secret}}',
      service: shape.service ?? serviceFromName(name) ?? 'custom',
      reason: note('secret_shape', `${shape.label} (recognised by its shape)`, { shape: shape.id }),
    }
  }
  if (URL_WITH_PASSWORD.test(value)) {
    return {
      secret: value,
      template: '{{secret}}',
      service: 'custom',
      reason: note('secret_url_password', 'a URL with a password in it'),
    }
  }
  const named = kind === 'header' ? secretName(name) || /^(x-)?api-?key$/i.test(name) : secretName(name)
  if (named && !plainValue(value)) {
    return {
      secret: value,
      template: '{{secret}}',
      service: serviceFromName(name) ?? 'custom',
      reason: note('secret_name', `the name ${name} says it is secret`, { name }),
    }
  }
  return null
}

/** Token shapes inside a command-line argument (`--token=ghp_…` or a bare token). */
export function secretInArg(arg: string): string | null {
  for (const part of [arg, arg.slice(arg.indexOf('=') + 1), arg.replace(/^[^:]+:\s*(Bearer\s+)?/i, '')]) {
    if (part && shapeOf(part.trim())) return part.trim()
  }
  return null
}

/** `ghp_…abcd`: the shape's prefix (or the first 4 characters) and the last 4; short values show nothing. */
export function maskSecret(v: string): string {
  if (v.length < 12) return '••••'
  const prefix =
    /^(github_pat_|gh[pousr]_|glpat-|sk-ant-|sk-proj-|sk-|xox[bpaer]-|secret_|ntn_|lin_api_|sntry[su]_|hf_|kb_)/.exec(
      v,
    )?.[1]
  const head = prefix && prefix.length + 8 <= v.length ? prefix : v.slice(0, v.length >= 20 ? 4 : 2)
  return `${head}…${v.slice(-4)}`
}

import { AppError } from '../../../../shared/errors'

/**
 * `{{credential:service/name.field}}` (or `{{credential:service.field}}` for the service's primary).
 * `\{{` is a literal `{{`: what a third-party config brings is stored escaped, so a file never
 * chooses which vault secret its server receives (import-config).
 */
const TEMPLATE = /(?<!\\)\{\{\s*credential:([^}\s]+)\s*\}\}/g
const WHOLE = /^\{\{\s*credential:([^}\s]+)\s*\}\}$/

export interface CredentialReference {
  /** `service/name` or `service`. */
  ref: string
  field: string
}

export function parseReference(inner: string): CredentialReference {
  const dot = inner.lastIndexOf('.')
  if (dot <= 0 || dot === inner.length - 1) {
    throw new AppError(
      'INVALID_INPUT',
      `"{{credential:${inner}}}" must name a field: {{credential:service/name.field}}.`,
    )
  }
  return { ref: inner.slice(0, dot), field: inner.slice(dot + 1) }
}

/** Every credential reference in a value (validated at save time, resolved at start). */
export function referencesIn(value: string): CredentialReference[] {
  return [...value.matchAll(TEMPLATE)].map((m) => parseReference(m[1]))
}

/** A value that is exactly one reference can be shown in lists; anything else is a literal, never shown. */
export function wholeReference(value: string): string | null {
  return WHOLE.test(value) ? value : null
}

/** Replaces every reference with the field's value; an escaped `\{{` becomes a plain `{{`. */
export function resolveTemplate(value: string, lookup: (r: CredentialReference) => string): string {
  return value
    .replace(TEMPLATE, (_m, inner: string) => lookup(parseReference(inner)))
    .replace(/\\\{\{/g, '{{')
}

/** Makes every `{{` of a value literal (never resolved as a reference). */
export function escapeTemplate(value: string): string {
  return value.replace(/\{\{/g, '\\{{')
}

/** Whether a value holds something that looks like a Keybridge reference (escaped or not). */
export function mentionsReference(value: string): boolean {
  return /\{\{\s*credential:/.test(value)
}

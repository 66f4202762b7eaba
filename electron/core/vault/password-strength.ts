import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import type * as Common from '@zxcvbn-ts/language-common'
import type * as En from '@zxcvbn-ts/language-en'
import { AppError } from '../../../shared/errors'

/** zxcvbn's 0–4 scale; 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const MIN_SCORE = 3

let estimator: ZxcvbnFactory | null = null
/** Built on first use: the dictionaries cost a few MB and tens of milliseconds. */
function zxcvbn(): ZxcvbnFactory {
  // Required here, not imported: evaluating the dictionaries at load would cost every command
  // (`keybridge --help`, `credential list`) their tens of milliseconds, not only password checks.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const common = require('@zxcvbn-ts/language-common') as typeof Common
  const en = require('@zxcvbn-ts/language-en') as typeof En
  /* eslint-enable @typescript-eslint/no-require-imports */
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  })
  return estimator
}

export interface Strength {
  score: number
  warning: string | null
  suggestions: string[]
}

export function passwordStrength(password: string, userInputs: string[] = []): Strength {
  const r = zxcvbn().check(password, ['keybridge', ...userInputs])
  return { score: r.score, warning: r.feedback.warning ?? null, suggestions: r.feedback.suggestions }
}

/**
 * Refuses a master password an attacker would guess: fewer than 8 characters, or a zxcvbn score
 * below MIN_SCORE, with the estimator's reason (WEAK_PASSWORD, params: score, warning, suggestions).
 */
export function requireStrongPassword(password: string): void {
  if (password.length < 8) {
    throw new AppError('WEAK_PASSWORD', 'A master password needs at least 8 characters.', {
      score: 0,
      minScore: MIN_SCORE,
      warning: 'Too short.',
      suggestions: ['Use a few words that do not belong together.'],
    })
  }
  const s = passwordStrength(password)
  if (s.score < MIN_SCORE) {
    const reason = s.warning ? ` ${s.warning.replace(/\.?$/, '.')}` : ''
    const hint = s.suggestions.length ? ` ${s.suggestions.join(' ')}` : ''
    throw new AppError(
      'WEAK_PASSWORD',
      `That master password is too easy to guess (strength ${s.score} of 4, ${MIN_SCORE} needed).${reason}${hint}`,
      { score: s.score, minScore: MIN_SCORE, warning: s.warning, suggestions: s.suggestions },
    )
  }
}

import { ApiError } from '../api'
import { currentLanguage, translate, type Language } from '../i18n'
import { useShell } from '../features/shell/store'
import { errorText } from './error-text'

/**
 * The sentence to show for a failure, in the UI language: the core sends a code, an optional
 * message key and its parameters (and an English sentence, shown as is in English when no key
 * gives a better one). Anything else is the generic sentence.
 */
export function describeError(e: unknown, lang: Language = currentLanguage()): string {
  return e instanceof ApiError ? errorText(e, lang) : translate(lang, 'error.generic')
}

export function notifyError(e: unknown): void {
  useShell.getState().toast('error', describeError(e))
}

export function notifySuccess(message: string): void {
  useShell.getState().toast('success', message)
}

/** Runs an action and turns a failure into an error toast; resolves to undefined on failure. */
export async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (e) {
    notifyError(e)
    return undefined
  }
}

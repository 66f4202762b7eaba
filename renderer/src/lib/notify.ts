import { ApiError } from '../api'
import { t } from '../i18n'
import { useShell } from '../features/shell/store'

/** The sentence to show for a failure: the core's own readable message, or a generic one. */
export function describeError(e: unknown): string {
  return e instanceof ApiError ? e.message : t('error.generic')
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

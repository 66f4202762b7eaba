import { useCallback, useState } from 'react'
import { describeError } from './notify'

/** A problem the form itself found, already in the UI language (shown as is, not as "something went wrong"). */
export class FormProblem extends Error {}

/**
 * The busy flag and error sentence of a form's action: `run` clears the error, marks the form busy,
 * and shows the failure in the UI language; it resolves to whether the action succeeded.
 */
export function useAction(): {
  busy: boolean
  error: string | null
  setError(error: string | null): void
  run(action: () => Promise<void>): Promise<boolean>
} {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
      return true
    } catch (err) {
      setError(err instanceof FormProblem ? err.message : describeError(err))
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, setError, run }
}

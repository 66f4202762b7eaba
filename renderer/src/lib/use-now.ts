import { useEffect, useState } from 'react'

const readClock = () => Date.now()

/** The current time, refreshed every `everyMs`, so relative times and countdowns stay pure renders. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(readClock)
  useEffect(() => {
    // A faster pace (a countdown starting) reads the clock at once, not after the old interval.
    setNow(readClock())
    const timer = setInterval(() => setNow(readClock()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

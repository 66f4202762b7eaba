import { describe, expect, it } from 'vitest'
import { channels } from '../../../shared/ipc'
import { FUZZ_SEED } from '../../bench/lib/fuzz-values'
import { fuzzIpc } from '../../bench/lib/ipc-fuzz'
import { EXCLUDED_CHANNELS } from '../../bench/lib/ipc-sandbox'

const PER_CHANNEL = 1000

describe('IPC fuzz', () => {
  it(`answers ${PER_CHANNEL} random and boundary payloads on every channel with typed errors only`, async () => {
    const report = await fuzzIpc({ seed: FUZZ_SEED, perChannel: PER_CHANNEL })
    const fuzzed = Object.keys(report.outcomes)
    // Every channel of the contract is fuzzed, or excluded with a written reason.
    for (const name of Object.keys(channels)) {
      if (name in EXCLUDED_CHANNELS) expect(EXCLUDED_CHANNELS[name].length).toBeGreaterThan(10)
      else expect(fuzzed).toContain(name)
    }
    expect(report.calls).toBe(fuzzed.length * PER_CHANNEL)
    expect(report.uncaught).toEqual([])
    // Group by channel and problem so a failure reads as a list of bugs, not 1,000 lines.
    const grouped: Record<string, { count: number; example: (typeof report.violations)[number] }> = {}
    for (const v of report.violations) {
      const key = `${v.channel}: ${v.problem.replace(/ \[replayed:.*$/, '')}`
      grouped[key] ??= { count: 0, example: v }
      grouped[key].count++
    }
    expect(grouped).toEqual({})
  }, 240_000)
})

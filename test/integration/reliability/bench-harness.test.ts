import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countTargets, renderModuleSection, targetMet, validateFigures } from '../../bench/lib/bench-report'
import { writeDoc } from '../../bench/lib/doc-sections'
import { Rng, seedFor } from '../../bench/lib/fuzz-values'
import { describeMachine } from '../../bench/lib/machine'
import { median, percentile } from '../../bench/lib/stats'
import { tempDir } from '../../helpers/core'

describe('bench harness', () => {
  it('computes median and nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(median(xs)).toBe(50.5)
    expect(percentile(xs, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(median([3, 1, 2])).toBe(2)
  })

  it('judges targets on the median and refuses malformed figures', () => {
    expect(
      targetMet({ name: 'a', unit: 'ms', samples: [1, 2, 30], target: { max: 15, text: '≤ 15 ms' } }),
    ).toBe(true)
    expect(
      targetMet({ name: 'b', unit: 'calls/s', samples: [10, 20], target: { min: 3000, text: '≥ 3,000' } }),
    ).toBe(false)
    expect(() => validateFigures([{ name: 'x', unit: 'ms', samples: [] }])).toThrow(/finite samples/)
    expect(() => validateFigures([{ name: 'x', unit: 'ms', samples: [NaN] }])).toThrow(/finite samples/)
    expect(() => validateFigures({})).toThrow(/array/)
  })

  it('renders a section with ratio, met column and command, or the failure line', () => {
    const machine = describeMachine()
    const ok = renderModuleSection(
      'vault',
      {
        ok: true,
        durationMs: 1000,
        value: [
          {
            name: 'list',
            unit: 'ms',
            samples: [4, 2],
            target: { max: 1, text: '≤ 1 ms' },
            baseline: { name: 'bare', samples: [1] },
          },
        ],
      },
      'npm run bench -- --only vault',
      machine,
      '2026-01-01T00:00:00Z',
    )
    expect(ok).toContain(
      '| list | 3.00 ms | 4.00 ms | 2 | ≤ 1 ms | **missed** | 1.00 ms (bare) | 3.00× | `npm run bench -- --only vault` |',
    )
    const failed = renderModuleSection(
      'x',
      { ok: false, error: 'Error: boom', durationMs: 5 },
      'npm run bench',
      machine,
      'd',
    )
    expect(failed).toContain('**Failed**: `Error: boom`')
    expect(
      countTargets(
        new Map([
          ['vault', ok],
          ['x', failed],
        ]),
      ),
    ).toEqual({ met: 0, missed: ['list'], failed: ['x'] })
  })

  it('a filtered run replaces its own sections and keeps the others', () => {
    const t = tempDir()
    try {
      const file = join(t.dir, 'DOC.md')
      writeDoc(
        file,
        () => '# Head 1',
        [
          { id: 'a', markdown: 'A1' },
          { id: 'b', markdown: 'B1' },
        ],
        ['b', 'a'],
      )
      writeDoc(file, (all) => `# Head 2 (${all.size})`, [{ id: 'a', markdown: 'A2' }], ['b', 'a'])
      const text = readFileSync(file, 'utf8')
      expect(text.startsWith('# Head 2 (2)')).toBe(true)
      expect(text).toContain('B1')
      expect(text).toContain('A2')
      expect(text).not.toContain('A1')
      expect(text.indexOf('B1')).toBeLessThan(text.indexOf('A2'))
    } finally {
      t.cleanup()
    }
  })

  it('fuzz streams are deterministic per seed and name', () => {
    const a = new Rng(seedFor(1, 'vault.unlock'))
    const b = new Rng(seedFor(1, 'vault.unlock'))
    const c = new Rng(seedFor(1, 'vault.lock'))
    const xs = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs)
  })
})

import { describe, expect, it } from 'vitest'
import { StderrTail } from '../../../electron/core/bridge/upstream/connection'

describe("an upstream's stderr tail", () => {
  it('keeps the last lines, masks injected values (also split across chunks), cuts long lines', () => {
    const tail = new StderrTail()
    tail.reset(['sk-live-SECRET-VALUE', 'ab'])
    tail.push('starting\nusing key sk-live-SEC')
    // The child may die mid-line: a cut-off secret is not shown either.
    expect(tail.get()).toEqual(['starting', 'using key •••'])
    tail.push('RET-VALUE now\n')
    expect(tail.get()).toEqual(['starting', 'using key ••• now'])
    for (let i = 0; i < 50; i++) tail.push(`line ${i}\n`)
    expect(tail.get()).toHaveLength(StderrTail.MAX_LINES)
    expect(tail.get().at(-1)).toBe('line 49')
    tail.push('x'.repeat(1000) + '\n')
    expect(tail.get().at(-1)!.length).toBe(StderrTail.MAX_LINE + 1)
    // Values shorter than 4 characters are not masked (they would garble every line).
    tail.push('ab cd\n')
    expect(tail.get().at(-1)).toBe('ab cd')
    tail.reset([])
    expect(tail.get()).toEqual([])
  })
})

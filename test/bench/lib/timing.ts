import { performance } from 'node:perf_hooks'

/** Milliseconds taken by one call of `fn`. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

/**
 * Runs `fn` `warmup` times unmeasured, then `runs` times measured, and returns one sample (ms) per run.
 * Shared by the feature benches so every figure is sampled the same way.
 */
export async function sampleMs(fn: (i: number) => unknown, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i)
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn(i)
    samples.push(performance.now() - t0)
  }
  return samples
}

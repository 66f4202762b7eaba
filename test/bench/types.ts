/**
 * One measured figure. Every feature's benchmark module (test/bench/<feature>.bench.ts) default-
 * exports `async () => BenchFigure[]`; `npm run bench` runs them all and rewrites docs/BENCHMARKS.md.
 */
export interface BenchFigure {
  /** e.g. "vault: list metadata of 10,000 credentials" */
  name: string
  unit: 'ms' | 'calls/s' | 'MB' | 'ratio' | 'count'
  /** One value per repeated run; the report shows median and p99. */
  samples: number[]
  /** The target from the issue, if any. */
  target?: { max?: number; min?: number; text: string }
  /** A baseline measured in the same run (e.g. the bare SDK server), for the ratio column. */
  baseline?: { name: string; samples: number[] }
  notes?: string
}
